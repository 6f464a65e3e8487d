#ifndef NETWORK_SERVICE_POLICY_ENFORCER_H_
#define NETWORK_SERVICE_POLICY_ENFORCER_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/socket_membership.h"
#include "network_service/admin/refusal_history.h"
#include "network_service/audit_log.h"
#include "network_service/log_limiter.h"
#include "network_service/send_rate_limiter.h"
#include "policy/policy.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// Where the service enforces the admin's policy: at open, join and send,
// the only place a compromised renderer cannot bypass. Each refusal is
// PERMISSION_DENIED (the page's NotAllowedError) with a message that names
// the deciding policy, and one JSON line in the audit log (audit_log.h;
// docs/admin.md has every event):
//   {"time":"...","event":"refused","origin":"...","action":"join",
//    "target":"239.9.9.9 port 5004",
//    "policy":"DirectSocketsMulticastRules[0].receive_groups","reason":"..."}
// A refusal found when a new policy is checked against the open sockets
// is a "revoked" event instead; with audit_allows, what is allowed at open
// and join is an "allowed" event too.
// Without a policy directory the device is unmanaged (policy::Policy()): no
// multicast for anyone. Only --unsafe-development-mode makes an enforcer
// that enforces nothing, said loudly at start. Owned by main(); loop thread
// only.
class PolicyEnforcer {
 public:
  // Not enforcing anything (--unsafe-development-mode).
  PolicyEnforcer() = default;
  // Enforcing `policy`; refusals are appended to `audit_log` (not owned;
  // may be null for none).
  PolicyEnforcer(policy::Policy policy, AuditLog* audit_log);

  // A new policy is in force from now.
  void set_policy(policy::Policy policy) {
    policy_ = std::move(policy);
    loaded_at_ = absl::Now();
  }
  // Whether allows at open and join are audited too (--audit-allows).
  void set_audit_allows(bool audit_allows) { audit_allows_ = audit_allows; }
  // Between these, refusals are revocations: the service is checking its
  // open sockets against a new policy.
  void BeginRecheck() { rechecking_ = true; }
  void EndRecheck() { rechecking_ = false; }

  // Records the policy now in force: {"event":"policy-applied",
  // "policy_dir":DIR,"managed":...,"files":[...],"digest":SHA-256}; an
  // unenforced service (--unsafe-development-mode) says "enforced":false.
  // Also remembers `dir` for DescribePolicy().
  void AuditPolicyApplied(const std::string& dir);

  // The admin's view: the policy in force, the rule that applies to
  // `origin` (its key and file; empty: none), and what was refused.
  void DescribePolicy(direct_sockets::admin::v1::PolicyInForce* policy) const;
  void DescribeRuleFor(const std::string& origin,
                       direct_sockets::admin::v1::App* app) const;
  const RefusalHistory& refusals() const { return refusals_; }

  absl::Status CheckOpen(const std::string& origin,
                         const direct_sockets::v1::OpenUDPSocket& open);
  // `held` is how many memberships the app holds now (all its sockets):
  // the rule's max_memberships caps it.
  absl::Status CheckJoin(const std::string& origin,
                         const common::SocketMembership& membership,
                         uint16_t local_port,
                         size_t held = 0);
  // The app's multicast send rate (MulticastRule's limits); zeros: none.
  SendRateLimiter::Rate RateFor(const std::string& origin) const;

  // Records that a new policy directory was refused (kept the last good
  // one): {"event":"policy-refused","policy_dir":DIR,"reason":...}.
  void AuditReloadRefused(const std::string& dir, const std::string& reason);

  // Repeated refusals of one app by one policy are written at most
  // kAuditLinesPerSecond times a second; the rest are folded, and counted:
  // in the key's next line ("folded_before": N) or, once a second (main()
  // calls this), in {"event":"refusals-folded","count":N,...}.
  static constexpr size_t kAuditLinesPerSecond = 5;
  void FlushFoldedRefusals();

  // A connected socket to a loopback or private address: the private
  // network content setting (DefaultDirectSocketsPrivateNetworkAccessSetting
  // and its lists), as for a bound socket.
  absl::Status CheckPrivatePeer(const std::string& origin,
                                const common::IpAddress& peer,
                                uint16_t port);
  // A datagram to `group`:`port` from a socket opened with `open` (its TTL
  // and loopback, the spec's defaults when unset).
  absl::Status CheckSend(const std::string& origin,
                         const common::IpAddress& group,
                         uint16_t port,
                         const direct_sockets::v1::OpenUDPSocket& open);

 private:
  // Appends `line`, stamped with the time, to the audit log (if any).
  void WriteAudit(nlohmann::json line);
  absl::Status Refuse(const std::string& origin,
                      const char* action,
                      const std::string& target,
                      const policy::Decision& decision);
  // With audit_allows: {"event":"allowed",...} (not during a recheck).
  void Allowed(const std::string& origin,
               const char* action,
               const std::string& target,
               const policy::Decision& decision);

  std::optional<policy::Policy> policy_;
  std::string policy_dir_;
  absl::Time loaded_at_ = absl::Now();
  RefusalHistory refusals_;
  AuditLog* audit_log_ = nullptr;
  bool audit_allows_ = false;
  bool rechecking_ = false;
  LogLimiter audit_limiter_{kAuditLinesPerSecond, absl::Seconds(1)};
};

// Whether `open` sets any multicast option (which needs the multicast
// feature and policy).
bool HasMulticastOptions(const direct_sockets::v1::OpenUDPSocket& open);
// The multicast TTL and loopback a socket opened with `open` has: the
// request's, or the spec's defaults (1, on), which the service sets on every
// socket.
uint32_t MulticastTtlOf(const direct_sockets::v1::OpenUDPSocket& open);
bool MulticastLoopbackOf(const direct_sockets::v1::OpenUDPSocket& open);

}  // namespace network_service

#endif  // NETWORK_SERVICE_POLICY_ENFORCER_H_
