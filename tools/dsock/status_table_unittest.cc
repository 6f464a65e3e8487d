#include "tools/dsock/status_table.h"

#include <gtest/gtest.h>

#include <string>

namespace dsock {
namespace {

namespace admin = ::direct_sockets::admin::v1;

admin::ServiceState TwoApps(uint64_t datagrams_in, const std::string& now) {
  admin::ServiceState state;
  state.set_pid(42);
  state.set_started_at("2026-12-02T11:00:00+00:00");
  state.set_now(now);
  admin::PolicyInForce* policy = state.mutable_policy();
  policy->set_enforced(true);
  policy->set_managed(true);
  policy->set_policy_dir("/etc/dsock/policies/managed");
  policy->add_files("lab.json");
  policy->set_digest("0123456789abcdef");
  policy->set_loaded_at("2026-12-02T11:00:00+00:00");
  admin::App* receiver = state.add_apps();
  receiver->set_origin("isolated-app://receiver");
  receiver->set_multicast_rule("DirectSocketsMulticastRules[0]");
  receiver->set_multicast_rule_file("lab.json");
  receiver->set_channels(1);
  admin::Socket* socket = receiver->add_sockets();
  socket->set_id(7);
  socket->set_state("open");
  socket->set_local_address("::");
  socket->set_local_port(5000);
  socket->set_age_seconds(75);
  socket->mutable_options()->set_multicast_ttl(1);
  socket->mutable_options()->set_multicast_loopback(true);
  socket->mutable_counters()->set_datagrams_in(datagrams_in);
  admin::Membership* membership = socket->add_memberships();
  membership->set_group("ff3e::1234");
  membership->set_source("fd00::1");
  membership->set_since("2026-12-02T11:00:05+00:00");
  admin::App* idle = state.add_apps();
  idle->set_origin("isolated-app://idle");
  idle->set_channels(1);
  admin::Refusal* refusal = state.add_recent_refusals();
  refusal->set_time("2026-12-02T11:00:09+00:00");
  refusal->set_origin("isolated-app://idle");
  refusal->set_action("open");
  refusal->set_target("0.0.0.0 port 5000");
  refusal->set_policy("DirectSocketsMulticastRules");
  refusal->set_reason("no rule names isolated-app://idle");
  admin::RefusalCount* count = state.add_refusal_counts();
  count->set_origin("isolated-app://idle");
  count->set_count(3);
  return state;
}

TEST(StatusTableTest, ShowsEveryAppSocketMembershipAndRefusal) {
  const std::string text =
      StatusTable(TwoApps(10, "2026-12-02T11:01:15+00:00"), nullptr);
  for (const char* expected :
       {"network service pid 42, up 1m15s, at 11:01:15",
        "policy: /etc/dsock/policies/managed, 1 file, sha256 0123456789ab",
        "isolated-app://receiver  DirectSocketsMulticastRules[0] (lab.json)",
        "isolated-app://idle      (none)", "[::]:5000", "1m15s",
        "ff3e::1234  fd00::1", "11:00:05",
        "REFUSALS: 3 since the service started; the latest 1:",
        "no rule names isolated-app://idle"}) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "no \"" << expected << "\" in:\n"
        << text;
  }
}

TEST(StatusTableTest, SaysRatesSinceTheLastSnapshot) {
  const admin::ServiceState before = TwoApps(10, "2026-12-02T11:01:15+00:00");
  const std::string text =
      StatusTable(TwoApps(30, "2026-12-02T11:01:17+00:00"), &before);
  EXPECT_NE(text.find("30 (10.0/s)"), std::string::npos) << text;
}

TEST(StatusTableTest, SaysWhenNothingIsEnforcedOrHeld) {
  admin::ServiceState state;
  state.set_now("2026-12-02T11:01:15+00:00");
  state.set_started_at("2026-12-02T11:01:15+00:00");
  const std::string text = StatusTable(state, nullptr);
  EXPECT_NE(text.find("policy: NOT ENFORCED"), std::string::npos) << text;
  EXPECT_NE(text.find("No app has a channel or a socket."), std::string::npos);
  EXPECT_NE(text.find("No refusals since the service started."),
            std::string::npos);
}

}  // namespace
}  // namespace dsock
