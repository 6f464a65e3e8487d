#include "policy/cidr.h"

#include <sys/socket.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace policy {
namespace {

// The address's bytes in network order, and how many.
int Bytes(const common::IpAddress& address, uint8_t out[16]) {
  sockaddr_storage storage;
  address.ToSockaddr(0, &storage);
  if (address.is_ipv4()) {
    std::memcpy(out, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr, 4);
    return 4;
  }
  std::memcpy(out, &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr, 16);
  return 16;
}

bool SamePrefix(const uint8_t* a, const uint8_t* b, int length) {
  for (int bit = 0; bit < length; ++bit) {
    const int mask = 0x80 >> (bit % 8);
    if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
      return false;
  }
  return true;
}

}  // namespace

std::optional<Cidr> Cidr::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  std::optional<common::IpAddress> base =
      common::IpAddress::Parse(text.substr(0, slash));
  if (!base)
    return std::nullopt;
  Cidr cidr;
  cidr.base_ = *base;
  cidr.length_ = cidr.bits();
  if (slash != absl::string_view::npos) {
    int length;
    if (!absl::SimpleAtoi(text.substr(slash + 1), &length) || length < 0 ||
        length > cidr.bits()) {
      return std::nullopt;
    }
    cidr.length_ = length;
  }
  // No host bits past the prefix: "239.1.2.3/16" is a typo, not a range.
  uint8_t bytes[16];
  const int size = Bytes(cidr.base_, bytes);
  for (int bit = cidr.length_; bit < size * 8; ++bit) {
    if (bytes[bit / 8] & (0x80 >> (bit % 8)))
      return std::nullopt;
  }
  return cidr;
}

bool Cidr::Contains(const common::IpAddress& address) const {
  if (address.family() != base_.family())
    return false;
  uint8_t a[16], b[16];
  Bytes(address, a);
  Bytes(base_, b);
  return SamePrefix(a, b, length_);
}

std::string Cidr::ToString() const {
  return absl::StrCat(base_.ToString(), "/", length_);
}

}  // namespace policy
