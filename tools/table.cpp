// The tool's aligned columns: see table.hpp.
#include "table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace procession_cli {

namespace {

// Characters, not bytes: a UTF-8 continuation byte adds no width.
size_t widthOf(const std::string& text) {
  return static_cast<size_t>(std::count_if(
      text.begin(), text.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

Table::Table(std::vector<std::pair<std::string, Align>> columns)
    : columns_(std::move(columns)) {}

void Table::add(std::vector<std::string> row) {
  row.resize(columns_.size());
  rows_.push_back(std::move(row));
}

std::string Table::render() const {
  const bool headed =
      std::any_of(columns_.begin(), columns_.end(),
                  [](const auto& c) { return !c.first.empty(); });
  std::vector<std::vector<std::string>> lines;
  if (headed) {
    std::vector<std::string> heading;
    for (const auto& column : columns_) {
      heading.push_back(column.first);
    }
    lines.push_back(std::move(heading));
  }
  lines.insert(lines.end(), rows_.begin(), rows_.end());
  std::vector<size_t> widths(columns_.size(), 0);
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], widthOf(line[i]));
    }
  }
  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      const std::string padding(widths[i] - widthOf(line[i]), ' ');
      const bool last = i + 1 == line.size();
      if (i > 0) {
        text += "  ";
      }
      if (columns_[i].second == kRight) {
        text += padding + line[i];
      } else {
        text += line[i] + (last ? "" : padding);
      }
    }
    out += text + "\n";
  }
  return out;
}

std::string formatNumber(double value) {
  if (std::isfinite(value) && std::trunc(value) == value &&
      std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[32];
  const std::to_chars_result end =
      std::to_chars(text, text + sizeof(text), value);
  return std::string(text, end.ptr);
}

std::string formatRate(double perSecond) {
  char text[32];
  std::snprintf(text, sizeof(text),
                std::fabs(perSecond) < 100 ? "%.1f" : "%.0f", perSecond);
  return text;
}

}  // namespace procession_cli
