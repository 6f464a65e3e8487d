#include "network_service/policy_enforcer.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log_text.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;

PolicyEnforcer::PolicyEnforcer(policy::Policy policy, AuditLog* audit_log)
    : policy_(std::move(policy)), audit_log_(audit_log) {}

void PolicyEnforcer::DescribePolicy(
    direct_sockets::admin::v1::PolicyInForce* policy) const {
  policy->set_policy_dir(policy_dir_);
  policy->set_enforced(policy_.has_value());
  policy->set_loaded_at(AuditLog::TimeText(loaded_at_));
  if (!policy_)
    return;
  policy->set_managed(policy_->managed());
  for (const std::string& file : policy_->files())
    policy->add_files(file);
  policy->set_digest(policy_->digest());
}

void PolicyEnforcer::DescribeRuleFor(
    const std::string& origin,
    direct_sockets::admin::v1::App* app) const {
  if (!policy_)
    return;
  if (const policy::MulticastRule* rule = policy_->RuleFor(origin)) {
    app->set_multicast_rule(rule->key);
    app->set_multicast_rule_file(rule->file);
  }
}

void PolicyEnforcer::WriteAudit(nlohmann::json line) {
  if (audit_log_ != nullptr)
    audit_log_->Write(std::move(line));
}

void PolicyEnforcer::AuditPolicyApplied(const std::string& dir) {
  policy_dir_ = dir;
  if (audit_log_ == nullptr || !audit_log_->to_file())
    return;
  if (!policy_) {
    WriteAudit({{"event", "policy-applied"}, {"enforced", false}});
    return;
  }
  WriteAudit({{"event", "policy-applied"},
              {"enforced", true},
              {"policy_dir", dir},
              {"managed", policy_->managed()},
              {"files", policy_->files()},
              {"digest", policy_->digest()}});
}

void PolicyEnforcer::AuditReloadRefused(const std::string& dir,
                                        const std::string& reason) {
  WriteAudit(
      {{"event", "policy-refused"}, {"policy_dir", dir}, {"reason", reason}});
}

void PolicyEnforcer::Allowed(const std::string& origin,
                             const char* action,
                             const std::string& target,
                             const policy::Decision& decision) {
  if (!audit_allows_ || rechecking_)
    return;
  WriteAudit({{"event", "allowed"},
              {"origin", origin},
              {"action", action},
              {"target", common::LogSafe(target)},
              {"policy", decision.policy}});
}

absl::Status PolicyEnforcer::Refuse(const std::string& origin,
                                    const char* action,
                                    const std::string& target,
                                    const policy::Decision& decision) {
  const std::string key =
      absl::StrCat(origin, "\n", action, "\n", decision.policy);
  const absl::Time now = absl::Now();
  std::optional<uint64_t> folded = audit_limiter_.Admit(key, now);
  refusals_.Add(now, origin, action, target, decision.policy, decision.reason,
                rechecking_, folded.has_value());
  if (folded) {
    nlohmann::json line = {{"event", rechecking_ ? "revoked" : "refused"},
                           {"origin", origin},
                           {"action", action},
                           {"target", common::LogSafe(target)},
                           {"policy", decision.policy},
                           {"reason", decision.reason}};
    if (*folded > 0)
      line["folded_before"] = *folded;
    WriteAudit(std::move(line));
  }
  return absl::PermissionDeniedError(decision.reason);
}

void PolicyEnforcer::FlushFoldedRefusals() {
  for (const auto& [key, count] : audit_limiter_.TakeFolded(absl::Now())) {
    std::vector<std::string> parts = absl::StrSplit(key, '\n');
    parts.resize(3);
    WriteAudit({{"event", "refusals-folded"},
                {"origin", parts[0]},
                {"refused", parts[1]},
                {"policy", parts[2]},
                {"count", count}});
  }
}

absl::Status PolicyEnforcer::CheckOpen(const std::string& origin,
                                       const v1::OpenUDPSocket& open) {
  if (!policy_)
    return absl::OkStatus();
  const bool bound = open.has_bound();
  const std::string target =
      bound ? absl::StrCat(open.bound().local_address(), ":",
                           open.bound().local_port())
            : absl::StrCat(open.connected().remote_address(), ":",
                           open.connected().remote_port());
  // Multicast options need the multicast policy; a connected socket's peer
  // is decided once its address is known (CheckPeer).
  policy::Policy::SocketOpening socket;
  socket.bound = bound;
  socket.local_port =
      static_cast<uint16_t>(bound ? open.bound().local_port() : 0);
  socket.multicast_options = HasMulticastOptions(open);
  socket.ttl = MulticastTtlOf(open);
  socket.address_sharing = open.multicast_allow_address_sharing();
  socket.loopback = MulticastLoopbackOf(open);
  policy::Decision decision = policy_->Open(origin, socket);
  if (!decision.allowed)
    return Refuse(origin, "open", target, decision);
  Allowed(origin, "open", target, decision);
  return absl::OkStatus();
}

SendRateLimiter::Rate PolicyEnforcer::RateFor(const std::string& origin) const {
  SendRateLimiter::Rate rate;
  if (!policy_)
    return rate;
  if (const policy::MulticastRule* rule = policy_->RuleFor(origin)) {
    rate.datagrams_per_second = rule->max_datagrams_per_second;
    rate.bytes_per_second = rule->max_bytes_per_second;
  }
  return rate;
}

absl::Status PolicyEnforcer::CheckJoin(
    const std::string& origin,
    const common::SocketMembership& membership,
    uint16_t local_port,
    size_t held) {
  if (!policy_)
    return absl::OkStatus();
  policy::Decision decision = policy_->Join(origin, membership, local_port);
  const policy::MulticastRule* rule = policy_->RuleFor(origin);
  if (decision.allowed && rule != nullptr && held >= rule->max_memberships) {
    decision = {
        false, rule->key + ".max_memberships",
        absl::StrCat(rule->key, ".max_memberships: ", origin, " already holds ",
                     held, " memberships, the most this policy allows")};
  }
  const std::string target =
      absl::StrCat(membership.ToString(), " port ", local_port);
  if (!decision.allowed)
    return Refuse(origin, "join", target, decision);
  Allowed(origin, "join", target, decision);
  return absl::OkStatus();
}

absl::Status PolicyEnforcer::CheckPrivatePeer(const std::string& origin,
                                              const common::IpAddress& peer,
                                              uint16_t port) {
  if (!policy_)
    return absl::OkStatus();
  policy::Decision decision = policy_->PrivateNetworkAccess(origin);
  if (!decision.allowed) {
    return Refuse(origin, "open", common::EndpointText(peer, port), decision);
  }
  return absl::OkStatus();
}

absl::Status PolicyEnforcer::CheckSend(const std::string& origin,
                                       const common::IpAddress& group,
                                       uint16_t port,
                                       const v1::OpenUDPSocket& open) {
  if (!policy_)
    return absl::OkStatus();
  policy::Decision decision = policy_->Send(
      origin, group, port, MulticastTtlOf(open), MulticastLoopbackOf(open));
  if (!decision.allowed) {
    return Refuse(origin, "send", absl::StrCat(group.ToString(), ":", port),
                  decision);
  }
  return absl::OkStatus();
}

bool HasMulticastOptions(const v1::OpenUDPSocket& open) {
  return open.has_multicast_time_to_live() || open.has_multicast_loopback() ||
         open.multicast_allow_address_sharing();
}

uint32_t MulticastTtlOf(const v1::OpenUDPSocket& open) {
  return open.has_multicast_time_to_live() ? open.multicast_time_to_live() : 1;
}

bool MulticastLoopbackOf(const v1::OpenUDPSocket& open) {
  return open.has_multicast_loopback() ? open.multicast_loopback() : true;
}

}  // namespace network_service
