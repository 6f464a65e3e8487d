#ifndef COMMON_IP_ADDRESS_H_
#define COMMON_IP_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace common {

// An IPv4 or IPv6 address parsed from a literal, as net::IPAddress is in
// Chromium. Only numeric literals are accepted (no host names, no zone ids,
// no shorthand such as "127.1"). A value type; any thread.
class IpAddress {
 public:
  // Returns nullopt unless `text` is a complete IPv4 dotted-quad or an IPv6
  // literal (inet_pton's grammar, which rejects "%zone" and brackets).
  static std::optional<IpAddress> Parse(absl::string_view text);
  static IpAddress FromSockaddr(const sockaddr* addr);

  bool is_ipv4() const { return family_ == AF_INET; }
  bool is_ipv6() const { return family_ == AF_INET6; }
  int family() const { return family_; }

  bool IsUnspecified() const;  // 0.0.0.0 or ::
  bool IsMulticast() const;    // 224.0.0.0/4 or ff00::/8
  bool IsLoopback() const;     // 127.0.0.0/8 or ::1
  bool IsIpv4Mapped() const;   // ::ffff:a.b.c.d

  // Canonical text (inet_ntop): what the web sees.
  std::string ToString() const;

  // A socket address for this IP and `port`; returns its length.
  socklen_t ToSockaddr(uint16_t port, sockaddr_storage* out) const;

  friend bool operator==(const IpAddress& a, const IpAddress& b);

 private:
  int family_ = AF_UNSPEC;
  uint8_t bytes_[16] = {};
};

// Port of a socket address (host order); 0 for other families.
uint16_t SockaddrPort(const sockaddr* addr);

}  // namespace common

#endif  // COMMON_IP_ADDRESS_H_
