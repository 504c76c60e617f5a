// UPID and PID<T>: the name of a process, "id@ip:port". A UPID made by the
// runtime (self(), spawn()) also carries a reference to the process while it
// lives in this OS process, so sending to it needs no lookup; a UPID parsed
// from text finds the process by id on first use. PID<T> is a UPID that
// remembers the process's type, for dispatch().
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <process/address.hpp>
#include <process/detail/process_cell.hpp>
#include <process/try.hpp>

namespace process {

class ProcessBase;

struct UPID {
  UPID() = default;
  UPID(std::string id, Address address) : id(std::move(id)), address(address) {}
  UPID(std::string id, net::IP ip, uint16_t port)
      : id(std::move(id)), address(ip, port) {}
  // Parses "id@ip:port", implicitly as in libprocess (`UPID pid = text;`).
  // An invalid text gives an empty UPID, as libprocess does; sends and links
  // to it are logged and dropped. Use UPID::parse for the reason.
  UPID(const std::string& text);  // NOLINT(google-explicit-constructor)
  UPID(const char* text)          // NOLINT(google-explicit-constructor)
  : UPID(std::string(text)) {}
  UPID(const ProcessBase& process);  // NOLINT(google-explicit-constructor)

  static Try<UPID> parse(const std::string& text);

  // The text "id@ip:port", as libprocess converts: `std::string s = pid;`.
  operator std::string() const;  // NOLINT(google-explicit-constructor)

  // True when it can be addressed: an id, an ip and a port (libprocess's
  // test; implicit there too, so `bool linked = pid;` compiles).
  operator bool() const {  // NOLINT(google-explicit-constructor)
    return !id.empty() && !address.ip.isAny() && address.port != 0;
  }
  // libprocess's: true only when id, ip and port are all empty, so `!pid` is
  // not `!bool(pid)` for a half-filled UPID. Kept for code that relies on it.
  bool operator!() const {
    return id.empty() && address.ip.isAny() && address.port == 0;
  }

  // Equality is by name: id and address.
  friend bool operator==(const UPID& a, const UPID& b) {
    return a.id == b.id && a.address == b.address;
  }
  friend bool operator!=(const UPID& a, const UPID& b) { return !(a == b); }
  friend bool operator<(const UPID& a, const UPID& b) {
    if (a.address != b.address) {
      return a.address < b.address;
    }
    return a.id < b.id;
  }

  std::string id;
  Address address;

  // The live process, when known; filled in by the runtime.
  detail::CellRef reference;
};

std::ostream& operator<<(std::ostream& stream, const UPID& pid);
// Reads "id@ip:port"; an invalid text sets the stream's failbit.
std::istream& operator>>(std::istream& stream, UPID& pid);
std::string stringify(const UPID& pid);

template <typename T = ProcessBase>
struct PID : UPID {
  PID() = default;
  explicit PID(const UPID& pid) : UPID(pid) {}
  PID(const T* process)  // NOLINT(google-explicit-constructor)
  : UPID(static_cast<const ProcessBase&>(*process)) {}
  PID(const T& process)  // NOLINT(google-explicit-constructor)
  : UPID(static_cast<const ProcessBase&>(process)) {}

  template <typename Base>
  requires std::is_base_of_v<Base, T>
  operator PID<Base>() const {  // NOLINT(google-explicit-constructor)
    return PID<Base>(static_cast<const UPID&>(*this));
  }
};

}  // namespace process

template <>
struct std::hash<process::UPID> {
  size_t operator()(const process::UPID& pid) const noexcept {
    return std::hash<std::string>()(pid.id) ^
           (std::hash<process::Address>()(pid.address) << 1);
  }
};

// A PID<T> hashes as the UPID it is, so it can key unordered maps too.
template <typename T>
struct std::hash<process::PID<T>> : std::hash<process::UPID> {};
