#include "common/local_network_access.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace common {
namespace {

// Whether the first `bits` bits of `bytes` equal those of `prefix`.
bool InPrefix(const uint8_t* bytes,
              std::initializer_list<uint8_t> prefix,
              int bits) {
  int i = 0;
  for (uint8_t byte : prefix) {
    const int take = std::min(8, bits - 8 * i);
    if (take <= 0)
      break;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - take));
    if ((bytes[i] & mask) != (byte & mask))
      return false;
    ++i;
  }
  return true;
}

}  // namespace

std::vector<std::string> AllFeatures() {
  return {kDirectSockets, kDirectSocketsMulticast, kLocalNetwork,
          kLoopbackNetwork};
}

std::vector<std::string> KnownFeatures() {
  std::vector<std::string> known = AllFeatures();
  known.push_back(kDirectSocketsPrivate);
  return known;
}

bool HasFeature(const std::set<std::string>& granted,
                const std::string& feature) {
  if (granted.count(feature) > 0)
    return true;
  return (feature == kLocalNetwork || feature == kLoopbackNetwork) &&
         granted.count(kDirectSocketsPrivate) > 0;
}

AddressSpace AddressSpaceOf(const IpAddress& any) {
  const IpAddress address = any.Unmapped();
  sockaddr_storage storage;
  address.ToSockaddr(0, &storage);
  if (address.is_ipv4()) {
    const auto* b = reinterpret_cast<const uint8_t*>(
        &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr);
    if (InPrefix(b, {127}, 8) || InPrefix(b, {0}, 8))
      return AddressSpace::kLoopback;
    if (InPrefix(b, {10}, 8) || InPrefix(b, {172, 16}, 12) ||
        InPrefix(b, {192, 168}, 16) || InPrefix(b, {169, 254}, 16) ||
        InPrefix(b, {100, 64}, 10)) {
      return AddressSpace::kLocal;
    }
    return AddressSpace::kPublic;
  }
  if (address.IsLoopback() || address.IsUnspecified())
    return AddressSpace::kLoopback;
  const auto* b = reinterpret_cast<const uint8_t*>(
      &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr);
  if (InPrefix(b, {0xfc}, 7) || InPrefix(b, {0xfe, 0x80}, 10))
    return AddressSpace::kLocal;
  return AddressSpace::kPublic;
}

const char* FeatureToReach(const IpAddress& address) {
  switch (AddressSpaceOf(address)) {
    case AddressSpace::kLoopback:
      return kLoopbackNetwork;
    case AddressSpace::kLocal:
      return kLocalNetwork;
    case AddressSpace::kPublic:
      return nullptr;
  }
  return nullptr;
}

}  // namespace common
