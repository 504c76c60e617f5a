#include "http/encoder.hpp"

#include <cstdio>
#include <sstream>

#include "http/decoder.hpp"

namespace process::http::internal {

namespace {

// Fields the connection itself decides in an answer.
bool isFramingField(std::string_view name) {
  return equalsIgnoreCase(name, "Content-Length") ||
         equalsIgnoreCase(name, "Transfer-Encoding") ||
         equalsIgnoreCase(name, "Connection");
}

void appendField(std::string& out, std::string_view name,
                 std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

bool isToken(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9');
    if (!alnum &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool isFieldValue(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) ==
         std::string_view::npos;
}

bool isBodiless(uint16_t code) {
  return code / 100 == 1 || code == 204 || code == 304;
}

std::string encodeResponseHead(const http::Response& response, bool close) {
  std::string bytes = "HTTP/1.1 ";
  bytes += response.status.empty() ? http::Status::string(response.code)
                                   : response.status;
  bytes += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (!isFramingField(name)) {
      appendField(bytes, name, value);
    }
  }
  if (close) {
    bytes += "Connection: close\r\n";
  }
  return bytes;
}

void endHead(std::string& head, BodyFraming framing, size_t length) {
  switch (framing) {
    case BodyFraming::kLength:
      head += "Content-Length: ";
      head += std::to_string(length);
      head += "\r\n";
      break;
    case BodyFraming::kChunked:
      head += "Transfer-Encoding: chunked\r\n";
      break;
    case BodyFraming::kNone:
    case BodyFraming::kUntilEnd:
      break;
  }
  head += "\r\n";
}

void appendPlainAnswer(std::string& out, uint16_t code, std::string_view body,
                       bool close) {
  // The answer to almost every message: the same bytes each time.
  if (code == 202 && body.empty() && !close) {
    out += kAcceptedAnswer;
    return;
  }
  out += "HTTP/1.1 ";
  out += http::Status::string(code);
  out += "\r\n";
  if (close) {
    out += "Connection: close\r\n";
  }
  if (!body.empty()) {
    out += "Content-Type: text/plain; charset=utf-8\r\n";
  }
  endHead(out, BodyFraming::kLength, body.size());
  out += body;
}

std::string encodePlainAnswer(uint16_t code, std::string_view body,
                              bool close) {
  std::string bytes;
  appendPlainAnswer(bytes, code, body, close);
  return bytes;
}

void appendChunk(std::string& out, std::string_view data) {
  if (data.empty()) {
    out += kLastChunk;
    return;
  }
  char size[24];
  const int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  out.append(size, static_cast<size_t>(n));
  out += data;
  out += "\r\n";
}

std::string encodeChunk(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 12);
  appendChunk(out, data);
  return out;
}

Try<std::string> encodeRequestHead(const http::Request& request,
                                   std::string_view defaultHost,
                                   uint16_t defaultPort) {
  if (!isToken(request.method)) {
    return Error("Invalid request method '" + request.method + "'");
  }
  std::string out;
  out.reserve(256);
  out += request.method;
  out += ' ';
  out += request.url.target();
  out += " HTTP/1.1\r\n";
  if (!request.headers.contains("Host")) {
    out += "Host: ";
    if (request.url.domain.isSome()) {
      out += request.url.domain.get();
    } else if (request.url.ip.isSome()) {
      std::ostringstream ip;
      ip << request.url.ip.get();
      out += ip.str();
    } else {
      out += defaultHost;
    }
    const bool ownHost = request.url.domain.isSome() || request.url.ip.isSome();
    out += ':';
    out +=
        std::to_string(ownHost ? request.url.port.getOrElse(80) : defaultPort);
    out += "\r\n";
  }
  for (const auto& [name, value] : request.headers) {
    if (!isToken(name) || !isFieldValue(value)) {
      return Error("Invalid request header '" + name + "'");
    }
    // The framing is ours to state.
    if (equalsIgnoreCase(name, "Content-Length") ||
        equalsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    appendField(out, name, value);
  }
  if (!request.keepAlive && !request.headers.contains("Connection")) {
    out += "Connection: close\r\n";
  }
  if (request.type == http::Request::PIPE) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (!request.body.empty() || request.method == "POST" ||
             request.method == "PUT") {
    out += "Content-Length: ";
    out += std::to_string(request.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace process::http::internal
