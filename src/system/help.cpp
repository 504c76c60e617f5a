// HELP() (process/help.hpp): the parts of a route's help text under their
// headings.
#include <process/help.hpp>

namespace process {
namespace {
void endLine(std::string& text) {
  if (text.empty() || text.back() != '\n') {
    text += '\n';
  }
}
}  // namespace

std::string HELP(const std::string& tldr,
                 const Option<std::string>& description,
                 const Option<std::string>& authentication,
                 const Option<std::string>& authorization,
                 const Option<std::string>& references) {
  std::string text = "### TL;DR; ###\n" + tldr;
  endLine(text);
  const std::pair<const char*, const Option<std::string>*> sections[] = {
      {"### DESCRIPTION ###\n", &description},
      {"### AUTHENTICATION ###\n", &authentication},
      {"### AUTHORIZATION ###\n", &authorization}};
  for (const auto& [heading, body] : sections) {
    if (body->isSome()) {
      text += '\n';
      text += heading;
      text += body->get();
    }
  }
  endLine(text);
  if (references.isSome()) {
    text += '\n';
    text += references.get();
  }
  return text;
}

}  // namespace process
