// Help texts for routes, in libprocess's format: the text given to
// ProcessBase::route() is served at /help/<id>/<route>, and every node
// lists its processes at /help and a process's routes at /help/<id>
// (Markdown to curl, a page to a browser, JSON with ?format=json).
//
//   route("/state", HELP(
//       TLDR("Shows the leader's state."),
//       DESCRIPTION("The followers it knows, as JSON.",
//                   "",
//                   "Query parameters:",
//                   "",
//                   ">        jsonp=VALUE   A JSONP callback"),
//       AUTHENTICATION(false)),
//       &Leader::state);
//
// HELP() puts the parts under "### TL;DR; ###", "### DESCRIPTION ###",
// "### AUTHENTICATION ###" and "### AUTHORIZATION ###" headings; the help
// page of a route adds "### USAGE ###" with its path before them.
#pragma once

#include <string>
#include <string_view>

#include <process/option.hpp>

namespace process {

std::string HELP(const std::string& tldr,
                 const Option<std::string>& description = None(),
                 const Option<std::string>& authentication = None(),
                 const Option<std::string>& authorization = None(),
                 const Option<std::string>& references = None());

// A line of usage: ">        /path\n" (Markdown's quote of an indented line).
inline std::string USAGE(const std::string& usage) {
  return ">        " + usage + "\n";
}

// The one-line summary: the line and a newline.
inline std::string TLDR(const std::string& tldr) {
  return tldr + "\n";
}

namespace detail {
// Each line followed by a newline, and one more newline at the end.
template <typename... Lines>
std::string helpLines(const Lines&... lines) {
  std::string text;
  ((text += std::string_view(lines), text += '\n'), ...);
  text += '\n';
  return text;
}
}  // namespace detail

// Lines of the description, of who may use the route and of references
// (Markdown link definitions), each a paragraph of its own.
template <typename... Lines>
std::string DESCRIPTION(const Lines&... lines) {
  return detail::helpLines(lines...);
}
template <typename... Lines>
std::string AUTHORIZATION(const Lines&... lines) {
  return detail::helpLines(lines...);
}
template <typename... Lines>
std::string REFERENCES(const Lines&... lines) {
  return detail::helpLines(lines...);
}

// Whether the route asks for credentials when the node has HTTP
// authentication on (an authenticator for the route's realm,
// process/authenticator.hpp).
inline std::string AUTHENTICATION(bool required) {
  return required ? "This endpoint asks for credentials when the node has "
                    "HTTP\nauthentication enabled.\n"
                  : "This endpoint does not require authentication.\n";
}

}  // namespace process
