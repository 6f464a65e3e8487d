#ifndef NETWORK_SERVICE_ADMIN_REFUSAL_HISTORY_H_
#define NETWORK_SERVICE_ADMIN_REFUSAL_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "proto/admin.pb.h"

namespace network_service {

// What the policy refused lately, for the admin's view (`dsock status`, the
// page, /metrics): the latest refusals the audit log wrote (a flood of one
// app's refusals by one policy is folded there, and here), and a count of
// every refusal by app and deciding policy. Bounded: kMaxRecent refusals,
// and kMaxCounted (app, policy) pairs, the rest counted under "(other)".
// Owned by the PolicyEnforcer; loop thread only.
class RefusalHistory {
 public:
  static constexpr size_t kMaxRecent = 100;
  static constexpr size_t kMaxCounted = 1000;
  static constexpr char kOther[] = "(other)";

  // One refusal; `recorded` is whether the audit log wrote it (not folded):
  // only those are kept as recent, all are counted.
  void Add(absl::Time time,
           const std::string& origin,
           const std::string& action,
           const std::string& target,
           const std::string& policy,
           const std::string& reason,
           bool revoked,
           bool recorded);
  // Fills `state`'s recent_refusals and refusal_counts.
  void Describe(direct_sockets::admin::v1::ServiceState* state) const;

 private:
  std::deque<direct_sockets::admin::v1::Refusal> recent_;
  std::map<std::pair<std::string, std::string>, uint64_t> counts_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_ADMIN_REFUSAL_HISTORY_H_
