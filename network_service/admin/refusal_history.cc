#include "network_service/admin/refusal_history.h"

#include "absl/time/time.h"
#include "common/log_text.h"
#include "network_service/audit_log.h"

namespace network_service {

namespace admin = ::direct_sockets::admin::v1;

void RefusalHistory::Add(absl::Time time,
                         const std::string& origin,
                         const std::string& action,
                         const std::string& target,
                         const std::string& policy,
                         const std::string& reason,
                         bool revoked,
                         bool recorded) {
  std::pair<std::string, std::string> key{origin, policy};
  if (counts_.size() >= kMaxCounted && counts_.count(key) == 0)
    key = {kOther, kOther};
  ++counts_[key];
  if (!recorded)
    return;
  admin::Refusal refusal;
  refusal.set_time(AuditLog::TimeText(time));
  refusal.set_origin(origin);
  refusal.set_action(action);
  // The target is the renderer's text (a group, a port): made printable.
  refusal.set_target(common::LogSafe(target));
  refusal.set_policy(policy);
  refusal.set_reason(common::LogSafe(reason));
  refusal.set_revoked(revoked);
  recent_.push_back(std::move(refusal));
  if (recent_.size() > kMaxRecent)
    recent_.pop_front();
}

void RefusalHistory::Describe(admin::ServiceState* state) const {
  for (const admin::Refusal& refusal : recent_)
    *state->add_recent_refusals() = refusal;
  for (const auto& [key, count] : counts_) {
    admin::RefusalCount* counted = state->add_refusal_counts();
    counted->set_origin(key.first);
    counted->set_policy(key.second);
    counted->set_count(count);
  }
}

}  // namespace network_service
