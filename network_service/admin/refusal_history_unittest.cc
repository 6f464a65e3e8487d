#include "network_service/admin/refusal_history.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace network_service {
namespace {

namespace admin = ::direct_sockets::admin::v1;

TEST(RefusalHistoryTest, KeepsWhatTheAuditLogWroteAndCountsEverything) {
  RefusalHistory history;
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  history.Add(t, "isolated-app://a", "join", "239.1.1.1 port 5004",
              "DirectSocketsMulticastRules[0].receive_groups", "not listed",
              false, true);
  history.Add(t, "isolated-app://a", "join", "239.1.1.1 port 5004",
              "DirectSocketsMulticastRules[0].receive_groups", "not listed",
              false, false);  // Folded in the audit log.
  history.Add(t, "isolated-app://b", "open", "port 1",
              "DirectSocketsMulticastRules", "no rule", true, true);
  admin::ServiceState state;
  history.Describe(&state);
  ASSERT_EQ(state.recent_refusals_size(), 2);
  EXPECT_EQ(state.recent_refusals(0).origin(), "isolated-app://a");
  EXPECT_EQ(state.recent_refusals(0).time(), "2027-01-15T08:00:00+00:00");
  EXPECT_FALSE(state.recent_refusals(0).revoked());
  EXPECT_TRUE(state.recent_refusals(1).revoked());
  ASSERT_EQ(state.refusal_counts_size(), 2);
  EXPECT_EQ(state.refusal_counts(0).origin(), "isolated-app://a");
  EXPECT_EQ(state.refusal_counts(0).count(), 2u);
  EXPECT_EQ(state.refusal_counts(1).count(), 1u);
}

TEST(RefusalHistoryTest, StaysBounded) {
  RefusalHistory history;
  for (size_t i = 0; i < RefusalHistory::kMaxCounted + 50; ++i) {
    history.Add(absl::Now(), absl::StrCat("isolated-app://app", i), "join",
                "\x01target", "P", "why", false, true);
  }
  admin::ServiceState state;
  history.Describe(&state);
  EXPECT_EQ(state.recent_refusals_size(),
            static_cast<int>(RefusalHistory::kMaxRecent));
  EXPECT_EQ(state.recent_refusals(0).target().find('\x01'), std::string::npos);
  EXPECT_EQ(state.refusal_counts_size(),
            static_cast<int>(RefusalHistory::kMaxCounted) + 1);
  uint64_t other = 0;
  for (const admin::RefusalCount& count : state.refusal_counts()) {
    if (count.origin() == RefusalHistory::kOther)
      other = count.count();
  }
  EXPECT_EQ(other, 50u);
}

}  // namespace
}  // namespace network_service
