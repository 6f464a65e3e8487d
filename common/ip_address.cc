#include "common/ip_address.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace common {

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  // inet_pton needs a NUL-terminated string; an embedded NUL is invalid.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN ||
      text.find('\0') != absl::string_view::npos) {
    return std::nullopt;
  }
  std::string copy(text);
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes_) == 1) {
    address.family_ = AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes_) == 1) {
    address.family_ = AF_INET6;
    return address;
  }
  return std::nullopt;
}

IpAddress IpAddress::FromSockaddr(const sockaddr* addr) {
  IpAddress address;
  if (addr->sa_family == AF_INET) {
    address.family_ = AF_INET;
    std::memcpy(address.bytes_,
                &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, 4);
  } else if (addr->sa_family == AF_INET6) {
    address.family_ = AF_INET6;
    std::memcpy(address.bytes_,
                &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, 16);
  }
  return address;
}

bool IpAddress::IsUnspecified() const {
  const int size = is_ipv4() ? 4 : 16;
  for (int i = 0; i < size; ++i) {
    if (bytes_[i] != 0)
      return false;
  }
  return family_ != AF_UNSPEC;
}

bool IpAddress::IsMulticast() const {
  if (is_ipv4())
    return (bytes_[0] & 0xf0) == 0xe0;
  if (is_ipv6())
    return bytes_[0] == 0xff;
  return false;
}

bool IpAddress::IsLoopback() const {
  if (is_ipv4())
    return bytes_[0] == 127;
  if (!is_ipv6())
    return false;
  for (int i = 0; i < 15; ++i) {
    if (bytes_[i] != 0)
      return false;
  }
  return bytes_[15] == 1;
}

bool IpAddress::IsIpv4Mapped() const {
  if (!is_ipv6())
    return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes_[i] != 0)
      return false;
  }
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family_ == AF_UNSPEC)
    return "";
  inet_ntop(family_, bytes_, text, sizeof(text));
  return text;
}

socklen_t IpAddress::ToSockaddr(uint16_t port, sockaddr_storage* out) const {
  std::memset(out, 0, sizeof(*out));
  if (is_ipv4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(out);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::memcpy(&in->sin_addr, bytes_, 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  std::memcpy(&in6->sin6_addr, bytes_, 16);
  return sizeof(sockaddr_in6);
}

bool operator==(const IpAddress& a, const IpAddress& b) {
  return a.family_ == b.family_ &&
         std::memcmp(a.bytes_, b.bytes_, sizeof(a.bytes_)) == 0;
}

uint16_t SockaddrPort(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port);
  }
  if (addr->sa_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port);
  }
  return 0;
}

}  // namespace common
