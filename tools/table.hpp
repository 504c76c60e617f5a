// Aligned columns for the tool's output, and the numbers in them.
//
//   Table table({{"ID", Table::kLeft}, {"QUEUED", Table::kRight}});
//   table.add({"worker(1)", "3"});
//   std::cout << table.render();   // "ID         QUEUED\nworker(1)       3\n"
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace procession_cli {

class Table {
 public:
  enum Align { kLeft, kRight };

  // Headings all empty: no heading line.
  explicit Table(std::vector<std::pair<std::string, Align>> columns);

  // A row with fewer cells than columns is completed with empty ones.
  void add(std::vector<std::string> row);
  size_t rows() const { return rows_.size(); }

  // Columns two spaces apart, each as wide as its widest cell (in UTF-8
  // characters); a last left-aligned column has no padding after it.
  std::string render() const;

 private:
  std::vector<std::pair<std::string, Align>> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// A metric's value: whole numbers without a fraction ("1234"), others in
// the fewest digits that read back the same ("0.25").
std::string formatNumber(double value);

// A rate: one decimal under 100 ("12.5"), none above ("1234").
std::string formatRate(double perSecond);

}  // namespace procession_cli
