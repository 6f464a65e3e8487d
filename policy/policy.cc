#include "policy/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace policy {
namespace {

bool Lists(const std::vector<std::string>& patterns,
           const std::string& origin) {
  return std::any_of(
      patterns.begin(), patterns.end(),
      [&](const std::string& p) { return OriginMatches(p, origin); });
}

// Chrome's content-setting evaluation: block list, allow list, default.
Decision ContentSetting(const std::string& origin,
                        const std::string& name,
                        const std::optional<int>& default_setting,
                        const std::vector<std::string>& allowed,
                        const std::vector<std::string>& blocked) {
  const std::string allowed_key = absl::StrCat(name, "AllowedForUrls");
  const std::string blocked_key = absl::StrCat(name, "BlockedForUrls");
  if (Lists(blocked, origin)) {
    return {false, blocked_key, absl::StrCat(blocked_key, " lists ", origin)};
  }
  if (Lists(allowed, origin)) {
    return {true, allowed_key, absl::StrCat(allowed_key, " lists ", origin)};
  }
  const std::string default_key = absl::StrCat("Default", name, "Setting");
  if (default_setting == 2) {
    return {false, default_key,
            absl::StrCat(default_key, " is 2 (block) and no allow list names ",
                         origin)};
  }
  return {true, default_key,
          default_setting
              ? absl::StrCat(default_key, " is 1 (allow)")
              : absl::StrCat(default_key, " is not set: Chrome's default")};
}

bool PortAllowed(const MulticastRule& rule, uint16_t port) {
  return std::any_of(rule.ports.begin(), rule.ports.end(),
                     [port](const auto& range) {
                       return port >= range.first && port <= range.second;
                     });
}

// Whether `group` is in `ranges`, where a discovery group counts only when
// listed exactly.
bool GroupAllowed(const std::vector<Cidr>& ranges,
                  const common::IpAddress& group) {
  const bool discovery = IsDiscoveryGroup(group);
  return std::any_of(ranges.begin(), ranges.end(), [&](const Cidr& cidr) {
    return cidr.Contains(group) && (!discovery || cidr.is_single_address());
  });
}

// Why `group` is not among the groups a rule allows `origin`.
std::string GroupWords(const common::IpAddress& group,
                       const std::string& origin) {
  if (!IsDiscoveryGroup(group)) {
    return absl::StrCat(group.ToString(), " is outside the groups allowed for ",
                        origin);
  }
  return absl::StrCat(group.ToString(),
                      " is a discovery group (mDNS/SSDP), which only a rule "
                      "listing it exactly (",
                      group.ToString(), group.is_ipv4() ? "/32" : "/128",
                      ") allows; none does for ", origin);
}

}  // namespace

bool OriginMatches(const std::string& pattern, const std::string& origin) {
  // The wildcard matches isolated apps only: never a caller that no host
  // vouched for (AppRegistry::kUnboundOrigin) or any other scheme.
  return pattern == origin || (pattern == "isolated-app://*" &&
                               origin.rfind("isolated-app://", 0) == 0 &&
                               origin.size() > sizeof("isolated-app://") - 1);
}

bool IsDiscoveryGroup(const common::IpAddress& group) {
  // Parsed once: this runs for every join and send the policy checks.
  static const auto* const kDiscovery = new std::vector<common::IpAddress>{
      *common::IpAddress::Parse("224.0.0.251"),
      *common::IpAddress::Parse("ff02::fb"),
      *common::IpAddress::Parse("239.255.255.250"),
      *common::IpAddress::Parse("ff02::c"),
      *common::IpAddress::Parse("ff05::c")};
  return std::find(kDiscovery->begin(), kDiscovery->end(), group) !=
         kDiscovery->end();
}

Decision Policy::DirectSockets(const std::string& origin) const {
  return ContentSetting(origin, "DirectSockets", default_setting_, allowed_,
                        blocked_);
}

Decision Policy::PrivateNetworkAccess(const std::string& origin) const {
  return ContentSetting(origin, "DirectSocketsPrivateNetworkAccess",
                        default_private_setting_, private_allowed_,
                        private_blocked_);
}

const MulticastRule* Policy::RuleFor(const std::string& origin) const {
  for (const MulticastRule& rule : rules_) {
    if (Lists(rule.origins, origin))
      return &rule;
  }
  return nullptr;
}

Decision Policy::Multicast(const std::string& origin) const {
  if (!managed_) {
    return {false, "(unmanaged device)",
            "this device is not managed (no policy files): multicast is "
            "refused for every app"};
  }
  Decision sockets = DirectSockets(origin);
  if (!sockets.allowed)
    return sockets;
  if (const MulticastRule* rule = RuleFor(origin)) {
    return {true, rule->key,
            absl::StrCat(rule->key, " (", rule->file, ") names ", origin)};
  }
  return {false, "DirectSocketsMulticastRules",
          absl::StrCat("DirectSocketsMulticastRules: no rule names ", origin)};
}

Decision Policy::Open(const std::string& origin,
                      const SocketOpening& socket) const {
  Decision decision = DirectSockets(origin);
  if (!decision.allowed)
    return decision;
  if (socket.bound) {
    decision = PrivateNetworkAccess(origin);
    if (!decision.allowed)
      return decision;
  }
  if (!socket.multicast_options)
    return decision;
  return OpenMulticast(origin, socket.bound ? socket.local_port : 0, socket.ttl,
                       socket.address_sharing, socket.loopback);
}

Decision Policy::OpenMulticast(const std::string& origin,
                               uint16_t local_port,
                               uint32_t ttl,
                               bool address_sharing,
                               bool loopback) const {
  Decision multicast = Multicast(origin);
  if (!multicast.allowed)
    return multicast;
  const MulticastRule& rule = *RuleFor(origin);
  if (local_port != 0 && !PortAllowed(rule, local_port)) {
    return {false, rule.key + ".ports",
            absl::StrCat(rule.key, ".ports: port ", local_port,
                         " is not allowed for ", origin)};
  }
  if (ttl > rule.max_ttl) {
    return {false, rule.key + ".max_ttl",
            absl::StrCat(rule.key, ".max_ttl: multicastTimeToLive ", ttl,
                         " is above ", rule.max_ttl, " for ", origin)};
  }
  if (address_sharing && !rule.allow_address_sharing) {
    return {false, rule.key + ".allow_address_sharing",
            absl::StrCat(rule.key,
                         ".allow_address_sharing: address sharing is not "
                         "allowed for ",
                         origin)};
  }
  if (loopback && !rule.allow_loopback) {
    return {false, rule.key + ".allow_loopback",
            absl::StrCat(rule.key,
                         ".allow_loopback: loopback is not allowed "
                         "for ",
                         origin)};
  }
  return {true, rule.key, absl::StrCat(rule.key, " allows this socket")};
}

Decision Policy::Join(const std::string& origin,
                      const common::SocketMembership& membership,
                      uint16_t port) const {
  Decision multicast = Multicast(origin);
  if (!multicast.allowed)
    return multicast;
  const MulticastRule& rule = *RuleFor(origin);
  if (!GroupAllowed(rule.receive_groups, membership.group)) {
    return {false, rule.key + ".receive_groups",
            absl::StrCat(rule.key, ".receive_groups: ",
                         GroupWords(membership.group, origin))};
  }
  if (!PortAllowed(rule, port)) {
    return {false, rule.key + ".ports",
            absl::StrCat(rule.key, ".ports: port ", port,
                         " is not allowed for ", origin)};
  }
  if (membership.source) {
    const bool listed = std::any_of(
        rule.ssm_sources.begin(), rule.ssm_sources.end(),
        [&](const Cidr& cidr) { return cidr.Contains(*membership.source); });
    if (!listed) {
      return {false, rule.key + ".ssm_sources",
              absl::StrCat(rule.key, ".ssm_sources: source ",
                           membership.source->ToString(),
                           " is not allowed for ", origin)};
    }
  }
  return {true, rule.key + ".receive_groups",
          absl::StrCat(rule.key, " allows ", membership.ToString(), " on port ",
                       port, " for ", origin)};
}

Decision Policy::Send(const std::string& origin,
                      const common::IpAddress& group,
                      uint16_t port,
                      uint32_t ttl,
                      bool loopback) const {
  Decision multicast = Multicast(origin);
  if (!multicast.allowed)
    return multicast;
  const MulticastRule& rule = *RuleFor(origin);
  if (!GroupAllowed(rule.send_groups, group)) {
    return {
        false, rule.key + ".send_groups",
        absl::StrCat(rule.key, ".send_groups: ", GroupWords(group, origin))};
  }
  if (!PortAllowed(rule, port)) {
    return {false, rule.key + ".ports",
            absl::StrCat(rule.key, ".ports: port ", port,
                         " is not allowed for ", origin)};
  }
  if (ttl > rule.max_ttl) {
    return {false, rule.key + ".max_ttl",
            absl::StrCat(rule.key, ".max_ttl: multicastTimeToLive ", ttl,
                         " is above ", rule.max_ttl, " for ", origin)};
  }
  if (loopback && !rule.allow_loopback) {
    return {false, rule.key + ".allow_loopback",
            absl::StrCat(
                rule.key, ".allow_loopback: loopback is not allowed for ",
                origin, "; open the socket with multicastLoopback: false")};
  }
  return {true, rule.key + ".send_groups",
          absl::StrCat(rule.key, " allows sending to ", group.ToString(), ":",
                       port, " for ", origin)};
}

}  // namespace policy
