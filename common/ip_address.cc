#include "common/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace common {

namespace {

// Longest text either parser looks at: a host name's limit, which every IPv4
// spelling that fits in 32 bits also meets in practice.
constexpr size_t kMaxLiteralLength = 255;

// The URL Standard's "IPv4 number parser": decimal, 0x/0X hexadecimal, or
// octal with a leading 0; "0x" alone is 0. Nullopt on a bad digit or a value
// above 2^32 - 1 (which no IPv4 part can hold anyway).
std::optional<uint64_t> ParseIpv4Number(absl::string_view part) {
  if (part.empty())
    return std::nullopt;
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' &&
      (part[1] == 'x' || part[1] == 'X')) {
    radix = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    radix = 8;
    part.remove_prefix(1);
  }
  uint64_t value = 0;
  for (char c : part) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (radix == 16 && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (radix == 16 && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= radix)
      return std::nullopt;
    value = value * radix + digit;
    if (value > 0xffffffffu)
      return std::nullopt;
  }
  return value;
}

// The dot-separated parts of a host, without one trailing empty part ("1.2.")
// as the URL Standard drops it.
std::vector<absl::string_view> HostParts(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() > 1 && parts.back().empty())
    parts.pop_back();
  return parts;
}

// The URL Standard's "IPv4 parser" (net::IPAddress::AssignFromIPLiteral in
// Chromium): one to four parts, the last filling the remaining bytes.
std::optional<uint32_t> ParseIpv4Host(absl::string_view text) {
  std::vector<absl::string_view> parts = HostParts(text);
  if (parts.empty() || parts.size() > 4)
    return std::nullopt;
  std::vector<uint64_t> numbers;
  for (absl::string_view part : parts) {
    std::optional<uint64_t> number = ParseIpv4Number(part);
    if (!number)
      return std::nullopt;
    numbers.push_back(*number);
  }
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255)
      return std::nullopt;
  }
  const int last_bytes = 5 - static_cast<int>(numbers.size());
  if (numbers.back() >= (uint64_t{1} << (8 * last_bytes)))
    return std::nullopt;
  uint64_t address = numbers.back();
  for (size_t i = 0; i + 1 < numbers.size(); ++i)
    address += numbers[i] << (8 * (3 - i));
  return static_cast<uint32_t>(address);
}

}  // namespace

bool EndsInANumber(absl::string_view text) {
  std::vector<absl::string_view> parts = HostParts(text);
  const absl::string_view last = parts.back();
  if (last.empty())
    return false;
  if (std::all_of(last.begin(), last.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  return ParseIpv4Number(last).has_value();
}

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.empty() || text.size() > kMaxLiteralLength ||
      text.find('\0') != absl::string_view::npos) {
    return std::nullopt;
  }
  IpAddress address;
  if (text.find(':') != absl::string_view::npos) {
    // inet_pton needs a NUL-terminated string.
    std::string copy(text);
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes_) != 1)
      return std::nullopt;
    address.family_ = AF_INET6;
    return address;
  }
  if (!EndsInANumber(text))
    return std::nullopt;
  std::optional<uint32_t> ipv4 = ParseIpv4Host(text);
  if (!ipv4)
    return std::nullopt;
  const uint32_t network_order = htonl(*ipv4);
  std::memcpy(address.bytes_, &network_order, 4);
  address.family_ = AF_INET;
  return address;
}

IpAddress IpAddress::Unmapped() const {
  if (!IsIpv4Mapped())
    return *this;
  IpAddress ipv4;
  ipv4.family_ = AF_INET;
  std::memcpy(ipv4.bytes_, bytes_ + 12, 4);
  return ipv4;
}

IpAddress IpAddress::Mapped() const {
  if (!is_ipv4())
    return *this;
  IpAddress ipv6;
  ipv6.family_ = AF_INET6;
  ipv6.bytes_[10] = 0xff;
  ipv6.bytes_[11] = 0xff;
  std::memcpy(ipv6.bytes_ + 12, bytes_, 4);
  return ipv6;
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
  if (IsIpv4Mapped())
    return Unmapped().IsMulticast();
  if (is_ipv4())
    return (bytes_[0] & 0xf0) == 0xe0;
  if (is_ipv6())
    return bytes_[0] == 0xff;
  return false;
}

bool IpAddress::IsLoopback() const {
  if (IsIpv4Mapped())
    return Unmapped().IsLoopback();
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

std::string EndpointText(const IpAddress& address, uint16_t port) {
  const std::string text = address.ToString();
  return address.is_ipv6() ? absl::StrCat("[", text, "]:", port)
                           : absl::StrCat(text, ":", port);
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
