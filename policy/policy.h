#ifndef POLICY_POLICY_H_
#define POLICY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/socket_membership.h"
#include "policy/cidr.h"

namespace policy {

// What the policy says of one request, and which policy said it. A value
// type; any thread.
struct Decision {
  bool allowed = false;
  // The deciding policy key, e.g.
  // "DirectSocketsMulticastRules[0].receive_groups".
  std::string policy;
  // For people: what was decided and why ("239.9.9.9 is outside the groups
  // allowed for isolated-app://...").
  std::string reason;
};

// One multicast rule after checking (see proto/policy.proto).
struct MulticastRule {
  std::string key;  // "DirectSocketsMulticastRules[N]" in the merged list.
  std::string file;
  std::vector<std::string> origins;
  std::vector<Cidr> receive_groups;
  std::vector<Cidr> send_groups;
  std::vector<Cidr> ssm_sources;
  std::vector<std::pair<uint16_t, uint16_t>> ports;  // Inclusive ranges.
  uint32_t max_ttl = 1;
  bool allow_address_sharing = false;
  bool allow_loopback = true;
  uint32_t max_memberships = 20;
  uint32_t max_datagrams_per_second = 0;  // 0: no limit.
  uint64_t max_bytes_per_second = 0;
};

// The admin's policy in force: Chrome's Direct Sockets content settings and
// this project's multicast rules, merged from the policy directory
// (policy_loader.h). Immutable once built; any thread.
class Policy {
 public:
  // A device with no policy files: not managed, so no multicast for anyone;
  // plain Direct Sockets follow Chrome's default (allowed).
  Policy() = default;

  bool managed() const { return managed_; }
  // The files it was read from, in order, and the SHA-256 (hex) of their
  // names and contents: what the audit log and the admin say is in force.
  const std::vector<std::string>& files() const { return files_; }
  const std::string& digest() const { return digest_; }

  Decision DirectSockets(const std::string& origin) const;
  Decision PrivateNetworkAccess(const std::string& origin) const;
  // Whether `origin` may use multicast at all (a rule names it).
  Decision Multicast(const std::string& origin) const;
  // A socket as the network service sees it when it opens.
  struct SocketOpening {
    bool bound = false;
    uint16_t local_port = 0;         // Bound sockets.
    bool multicast_options = false;  // TTL, loopback or sharing given.
    uint32_t ttl = 1;
    bool address_sharing = false;
    bool loopback = true;
  };
  // Everything the network service decides when `origin` opens `socket`,
  // in its order: Direct Sockets, then Private Network Access (a bound
  // socket), then, with multicast options, OpenMulticast. The service and
  // `dsock policy explain` both decide by it.
  Decision Open(const std::string& origin, const SocketOpening& socket) const;
  // A multicast socket's open: its bound port, TTL and flags.
  Decision OpenMulticast(const std::string& origin,
                         uint16_t local_port,
                         uint32_t ttl,
                         bool address_sharing,
                         bool loopback) const;
  Decision Join(const std::string& origin,
                const common::SocketMembership& membership,
                uint16_t port) const;
  // A datagram to `group` from a socket with this TTL and loopback: every
  // multicast send needs a rule that allows all four.
  Decision Send(const std::string& origin,
                const common::IpAddress& group,
                uint16_t port,
                uint32_t ttl,
                bool loopback) const;
  // The rule for `origin`, or null: its limits (memberships, send rate).
  const MulticastRule* RuleFor(const std::string& origin) const;

 private:
  friend class PolicyBuilder;

  bool managed_ = false;
  std::vector<std::string> files_;
  std::string digest_;
  std::optional<int> default_setting_;
  std::vector<std::string> allowed_;
  std::vector<std::string> blocked_;
  std::optional<int> default_private_setting_;
  std::vector<std::string> private_allowed_;
  std::vector<std::string> private_blocked_;
  std::vector<MulticastRule> rules_;
};

// Whether `origin` matches `pattern` (an origin, or "isolated-app://*").
bool OriginMatches(const std::string& pattern, const std::string& origin);

// mDNS (224.0.0.251, ff02::fb on 5353) and SSDP (239.255.255.250, ff02::c,
// ff05::c on 1900): allowed only when a rule lists the address exactly.
bool IsDiscoveryGroup(const common::IpAddress& group);

}  // namespace policy

#endif  // POLICY_POLICY_H_
