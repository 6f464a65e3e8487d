#include "tools/dsock/metrics_text.h"

#include <gtest/gtest.h>

#include <string>

namespace dsock {
namespace {

namespace admin = ::direct_sockets::admin::v1;

TEST(MetricsTextTest, SaysEachAppsCountsAndRefusals) {
  admin::ServiceState state;
  state.set_started_at("2026-12-02T11:00:00.25+00:00");
  state.mutable_policy()->set_enforced(true);
  state.mutable_policy()->set_policy_dir("/etc/dsock/\"odd\"\\dir");
  admin::App* app = state.add_apps();
  app->set_origin("isolated-app://a");
  app->set_channels(1);
  admin::Socket* socket = app->add_sockets();
  socket->add_memberships()->set_group("239.1.2.3");
  socket->add_memberships()->set_group("239.1.2.4");
  app->mutable_totals()->set_datagrams_in(12);
  app->mutable_totals()->set_bytes_out(34);
  admin::RefusalCount* refused = state.add_refusal_counts();
  refused->set_origin("isolated-app://b");
  refused->set_policy("DirectSocketsMulticastRules[0].ports");
  refused->set_count(5);
  const std::string text = MetricsText(state);
  for (const char* expected : {
           "dsock_up 1\n",
           "dsock_service_start_time_seconds 1796209200.250\n",
           "dsock_policy_info{policy_dir=\"/etc/dsock/\\\"odd\\\"\\\\dir\","
           "digest=\"\",enforced=\"true\",managed=\"false\"} 1\n",
           "# TYPE dsock_app_memberships gauge\n"
           "dsock_app_memberships{origin=\"isolated-app://a\"} 2\n",
           "dsock_app_sockets{origin=\"isolated-app://a\"} 1\n",
           "# TYPE dsock_app_received_datagrams_total counter\n"
           "dsock_app_received_datagrams_total{origin=\"isolated-app://a\"} "
           "12\n",
           "dsock_app_sent_bytes_total{origin=\"isolated-app://a\"} 34\n",
           "dsock_refusals_total{origin=\"isolated-app://b\","
           "policy=\"DirectSocketsMulticastRules[0].ports\"} 5\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "no " << expected << " in:\n"
        << text;
  }
  EXPECT_EQ(MetricsDown(),
            "# HELP dsock_up Whether the network service's admin socket "
            "answered (1) or not (0).\n# TYPE dsock_up gauge\ndsock_up 0\n");
}

}  // namespace
}  // namespace dsock
