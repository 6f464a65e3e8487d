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
// Chromium. Both processes read every address with Parse(), so that what
// the renderer checks, what the policy decides on and what the kernel gets
// are one address. A value type; any thread.
class IpAddress {
 public:
  // Chromium's reading of an IP literal (net::IPAddress::AssignFromIPLiteral):
  // text with a ':' is IPv6 (inet_pton's grammar: no "%zone", no brackets);
  // other text is IPv4 as the URL Standard's host parser reads it, so
  // "239.1.1" is 239.1.0.1, "0xef.1.1.1", "0357.1.1.1" and "4009820417" are
  // 239.1.1.1, and a trailing dot is allowed. Nullopt for anything else.
  static std::optional<IpAddress> Parse(absl::string_view text);
  static IpAddress FromSockaddr(const sockaddr* addr);

  bool is_ipv4() const { return family_ == AF_INET; }
  bool is_ipv6() const { return family_ == AF_INET6; }
  int family() const { return family_; }

  bool IsUnspecified() const;  // 0.0.0.0 or ::
  // These two read an IPv4-mapped address as its IPv4 address: the kernel
  // sends to ::ffff:239.1.1.1 as to 239.1.1.1.
  bool IsMulticast() const;   // 224.0.0.0/4, ff00::/8, ::ffff:224.0.0.0/100
  bool IsLoopback() const;    // 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104
  bool IsIpv4Mapped() const;  // ::ffff:a.b.c.d

  // The IPv4 address of an IPv4-mapped one; otherwise this address. Every
  // check at the trust boundary reads addresses through this.
  IpAddress Unmapped() const;
  // The IPv4-mapped IPv6 address of an IPv4 one (for a dual-stack socket);
  // otherwise this address.
  IpAddress Mapped() const;

  // Canonical text (inet_ntop): what the web sees.
  std::string ToString() const;

  // A socket address for this IP and `port`; returns its length.
  socklen_t ToSockaddr(uint16_t port, sockaddr_storage* out) const;

  friend bool operator==(const IpAddress& a, const IpAddress& b);

 private:
  int family_ = AF_UNSPEC;
  uint8_t bytes_[16] = {};
};

// The URL Standard's "ends in a number" check: true when the last label of
// `host` is numeric ("1.2.3.4.5", "example.0x10"). Such a host is read as an
// IPv4 address or refused, never looked up as a name, as in Chromium.
bool EndsInANumber(absl::string_view host);

// Port of a socket address (host order); 0 for other families.
uint16_t SockaddrPort(const sockaddr* addr);

// "192.0.2.1:5004" or "[2001:db8::1]:5004", for messages and logs.
std::string EndpointText(const IpAddress& address, uint16_t port);

}  // namespace common

#endif  // COMMON_IP_ADDRESS_H_
