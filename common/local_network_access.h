#ifndef COMMON_LOCAL_NETWORK_ACCESS_H_
#define COMMON_LOCAL_NETWORK_ACCESS_H_

#include <set>
#include <string>
#include <vector>

#include "common/ip_address.h"

namespace common {

// The permissions-policy features of Direct Sockets and of Local Network
// Access, as Chrome 156 names them, and which one an address needs. Both
// processes decide with these (the service alone enforces). Pure functions;
// any thread.
inline constexpr char kDirectSockets[] = "direct-sockets";
inline constexpr char kDirectSocketsMulticast[] = "direct-sockets-multicast";
// Bound sockets, and connected sockets to private addresses.
inline constexpr char kLocalNetwork[] = "local-network";
// Connected sockets to loopback addresses.
inline constexpr char kLoopbackNetwork[] = "loopback-network";
// The older name (before Local Network Access) for both of the above.
inline constexpr char kDirectSocketsPrivate[] = "direct-sockets-private";

// The features an app has when its manifest names none.
std::vector<std::string> AllFeatures();
// Every feature a manifest may name (AllFeatures and the older name).
std::vector<std::string> KnownFeatures();

// Whether `granted` holds `feature`, reading the older name as granting
// local-network and loopback-network.
bool HasFeature(const std::set<std::string>& granted,
                const std::string& feature);

// Chrome's IP address spaces (ip_address_space_util.cc): loopback
// (127.0.0.0/8, 0.0.0.0/8, ::1, ::), local (10/8, 172.16/12, 192.168/16,
// 169.254/16, 100.64/10, fc00::/7, fe80::/10) and public; an IPv4-mapped
// address is its IPv4 address. Multicast groups are public here: the
// multicast policy governs them.
enum class AddressSpace { kLoopback, kLocal, kPublic };
AddressSpace AddressSpaceOf(const IpAddress& address);

// The feature a connected socket to `address` needs besides direct-sockets
// (local-network, loopback-network), or null for a public address.
const char* FeatureToReach(const IpAddress& address);

}  // namespace common

#endif  // COMMON_LOCAL_NETWORK_ACCESS_H_
