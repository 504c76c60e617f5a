// Status codes and their reason phrases (http.hpp).
#include <process/http.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace process::http {

namespace {

struct Reason {
  uint16_t code;
  std::string_view phrase;
};

// RFC 9110 and the IANA registry; 413 and 414 keep their RFC 7231 names,
// which the network layer already answers with.
constexpr std::array kReasons = {
    Reason{100, "Continue"},
    Reason{101, "Switching Protocols"},
    Reason{102, "Processing"},
    Reason{103, "Early Hints"},
    Reason{200, "OK"},
    Reason{201, "Created"},
    Reason{202, "Accepted"},
    Reason{203, "Non-Authoritative Information"},
    Reason{204, "No Content"},
    Reason{205, "Reset Content"},
    Reason{206, "Partial Content"},
    Reason{207, "Multi-Status"},
    Reason{208, "Already Reported"},
    Reason{226, "IM Used"},
    Reason{300, "Multiple Choices"},
    Reason{301, "Moved Permanently"},
    Reason{302, "Found"},
    Reason{303, "See Other"},
    Reason{304, "Not Modified"},
    Reason{305, "Use Proxy"},
    Reason{307, "Temporary Redirect"},
    Reason{308, "Permanent Redirect"},
    Reason{400, "Bad Request"},
    Reason{401, "Unauthorized"},
    Reason{402, "Payment Required"},
    Reason{403, "Forbidden"},
    Reason{404, "Not Found"},
    Reason{405, "Method Not Allowed"},
    Reason{406, "Not Acceptable"},
    Reason{407, "Proxy Authentication Required"},
    Reason{408, "Request Timeout"},
    Reason{409, "Conflict"},
    Reason{410, "Gone"},
    Reason{411, "Length Required"},
    Reason{412, "Precondition Failed"},
    Reason{413, "Payload Too Large"},
    Reason{414, "URI Too Long"},
    Reason{415, "Unsupported Media Type"},
    Reason{416, "Range Not Satisfiable"},
    Reason{417, "Expectation Failed"},
    Reason{421, "Misdirected Request"},
    Reason{422, "Unprocessable Content"},
    Reason{423, "Locked"},
    Reason{424, "Failed Dependency"},
    Reason{425, "Too Early"},
    Reason{426, "Upgrade Required"},
    Reason{428, "Precondition Required"},
    Reason{429, "Too Many Requests"},
    Reason{431, "Request Header Fields Too Large"},
    Reason{451, "Unavailable For Legal Reasons"},
    Reason{500, "Internal Server Error"},
    Reason{501, "Not Implemented"},
    Reason{502, "Bad Gateway"},
    Reason{503, "Service Unavailable"},
    Reason{504, "Gateway Timeout"},
    Reason{505, "HTTP Version Not Supported"},
    Reason{506, "Variant Also Negotiates"},
    Reason{507, "Insufficient Storage"},
    Reason{508, "Loop Detected"},
    Reason{510, "Not Extended"},
    Reason{511, "Network Authentication Required"},
};

static_assert(std::is_sorted(kReasons.begin(), kReasons.end(),
                             [](const Reason& a, const Reason& b) {
                               return a.code < b.code;
                             }));

}  // namespace

bool isValidStatus(uint16_t code) {
  return !Status::reason(code).empty();
}

std::string Status::string(uint16_t code) {
  const std::string_view phrase = reason(code);
  std::string text = std::to_string(code);
  if (!phrase.empty()) {
    text += ' ';
    text += phrase;
  }
  return text;
}

std::string_view Status::reason(uint16_t code) {
  const auto it = std::lower_bound(
      kReasons.begin(), kReasons.end(), code,
      [](const Reason& reason, uint16_t c) { return reason.code < c; });
  return (it != kReasons.end() && it->code == code) ? it->phrase
                                                    : std::string_view();
}
}  // namespace process::http
