// Joins and leaves through a RestrictedUDPSocket: what an honest renderer
// never asks ends the stream; limits, policy and the kernel's refusals are
// answers; a policy change closes a socket it no longer allows.
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

using ::common::IpAddress;

TEST_F(RestrictedUDPSocketTest, AnAllowedJoinReachesTheKernel) {
  OpenBound();
  Join(2, Group("239.1.2.3"));
  EXPECT_TRUE(ResultOf(2)->ok()) << *ResultOf(2);
  Join(3, Group("232.1.1.1", "10.0.0.9"));
  EXPECT_TRUE(ResultOf(3)->ok()) << *ResultOf(3);
  ASSERT_EQ(Kernel().memberships.size(), 2u);
  EXPECT_EQ(Kernel().memberships[1].source, IpAddress::Parse("10.0.0.9"));
  EXPECT_EQ(apps_.memberships_of(kOrigin), 2u);
  Leave(4, Group("239.1.2.3"));
  EXPECT_TRUE(ResultOf(4)->ok());
  EXPECT_EQ(Kernel().memberships.size(), 1u);
  EXPECT_EQ(apps_.memberships_of(kOrigin), 1u);
}

TEST_F(RestrictedUDPSocketTest, ThePolicyDecidesEachJoin) {
  OpenBound();
  Join(2, Group("239.9.9.9"));
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kPermissionDenied);
  Join(3, Group("232.1.1.1", "192.168.0.1"));  // Not in ssm_sources.
  EXPECT_EQ(ResultOf(3)->code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Kernel().memberships.empty());
  EXPECT_EQ(apps_.memberships_of(kOrigin), 0u);
  EXPECT_TRUE(socket_->is_open());
}

TEST_F(RestrictedUDPSocketTest, APortThePolicyDoesNotListJoinsNothing) {
  OpenBound(Bound("0.0.0.0", 6000));
  Join(2, Group("239.1.1.1"));
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(RestrictedUDPSocketTest, TheSocketsLimitsAreAnswers) {
  OpenBound();
  for (size_t i = 0; i < GroupMemberships::kMaxSourcesPerGroup; ++i) {
    Join(2 + i, Group("232.1.1.1", "10.0.0." + std::to_string(i + 1)));
    ASSERT_TRUE(ResultOf(2 + i)->ok()) << *ResultOf(2 + i);
  }
  Join(100, Group("232.1.1.1", "10.0.0.99"));
  EXPECT_EQ(ResultOf(100)->code(), absl::StatusCode::kResourceExhausted);
  for (size_t i = GroupMemberships::kMaxSourcesPerGroup;
       i < GroupMemberships::kMaxMembershipsPerSocket; ++i) {
    Join(200 + i, Group("239.1.3." + std::to_string(i)));
    ASSERT_TRUE(ResultOf(200 + i)->ok()) << *ResultOf(200 + i);
  }
  Join(300, Group("239.1.4.1"));
  EXPECT_EQ(ResultOf(300)->code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Kernel().memberships.size(),
            GroupMemberships::kMaxMembershipsPerSocket);
  EXPECT_TRUE(socket_->is_open());
}

TEST_F(RestrictedUDPSocketTest, TheKernelsRefusalIsAnAnswerAndHoldsNothing) {
  OpenBound();
  factory_.live_socket()->next_membership_error =
      absl::ResourceExhaustedError("the system refused another membership");
  Join(2, Group("239.1.1.1"));
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(apps_.memberships_of(kOrigin), 0u);
  Join(3, Group("239.1.1.1"));  // Not held: joining again is honest.
  EXPECT_TRUE(ResultOf(3)->ok());
}

TEST_F(RestrictedUDPSocketTest, AJoinTheRendererWouldRefuseEndsTheStream) {
  struct Case {
    const char* what;
    std::set<std::string> features;
    v1::OpenUDPSocket open;
    std::vector<v1::MulticastGroup> joins;  // The last one is broken.
    absl::StatusCode code;
    const char* message;
  };
  using Code = absl::StatusCode;
  const std::vector<Case> cases = {
      {"no feature",
       {"direct-sockets", "local-network"},
       Bound("0.0.0.0", 5000),
       {Group("239.1.1.1")},
       Code::kPermissionDenied,
       "direct-sockets-multicast"},
      {"connected",
       kAllFeatures,
       Connected("10.0.0.1", 5000),
       {Group("239.1.1.1")},
       Code::kFailedPrecondition,
       "connected socket"},
      {"not multicast",
       kAllFeatures,
       Bound("0.0.0.0", 5000),
       {Group("10.1.1.1")},
       Code::kInvalidArgument,
       "multicast"},
      {"IPv6 group, IPv4 socket",
       kAllFeatures,
       Bound("0.0.0.0", 5000),
       {Group("ff3e::1")},
       Code::kFailedPrecondition,
       "IPv6 group"},
      {"again",
       kAllFeatures,
       Bound("0.0.0.0", 5000),
       {Group("239.1.1.1"), Group("239.1.1.1")},
       Code::kFailedPrecondition,
       "already joined"},
      {"mixed",
       kAllFeatures,
       Bound("0.0.0.0", 5000),
       {Group("232.1.1.1", "10.0.0.1"), Group("232.1.1.1")},
       Code::kFailedPrecondition,
       "mixed"},
  };
  for (const Case& broken : cases) {
    SCOPED_TRACE(broken.what);
    Make(broken.features);
    Open(broken.open);
    ASSERT_NE(OpenedEvent(), nullptr);
    for (size_t i = 0; i < broken.joins.size(); ++i)
      Join(2 + i, broken.joins[i]);
    ASSERT_NO_FATAL_FAILURE(ExpectEnded(broken.code, broken.message));
    EXPECT_TRUE(Kernel().closed);
  }
}

TEST_F(RestrictedUDPSocketTest, LeavingWhatIsNotHeldEndsTheStream) {
  OpenBound();
  Leave(2, Group("239.1.1.1"));
  ExpectEnded(absl::StatusCode::kFailedPrecondition, "not joined");
}

TEST_F(RestrictedUDPSocketTest, ADualStackSocketJoinsBothFamilies) {
  OpenBound(Bound("::", 5000));
  Join(2, Group("239.1.1.1"));
  EXPECT_TRUE(ResultOf(2)->ok()) << *ResultOf(2);
  Join(3, Group("ff3e::1"));
  EXPECT_TRUE(ResultOf(3)->ok()) << *ResultOf(3);
}

TEST_F(RestrictedUDPSocketTest, APolicyChangeClosesWhatItNoLongerAllows) {
  OpenBound();
  Join(2, Group("239.1.1.1"));
  ASSERT_TRUE(ResultOf(2)->ok());
  socket_->RecheckPolicy();  // The same policy: nothing changes.
  EXPECT_TRUE(socket_->is_open());
  enforcer_.set_policy(LoadPolicy(R"({"DirectSocketsMulticastRules": []})"));
  socket_->RecheckPolicy();
  ExpectEnded(absl::StatusCode::kUnavailable, "policy changed");
  // The renderer hears it as its socket's error, after the kernel's
  // memberships are gone.
  ASSERT_FALSE(stream_->events.empty());
  EXPECT_TRUE(stream_->events.back().has_socket_error());
  EXPECT_TRUE(Kernel().memberships.empty());
}

TEST_F(RestrictedUDPSocketTest, ClosingReleasesTheAppsMemberships) {
  OpenBound();
  Join(2, Group("239.1.1.1"));
  Join(3, Group("239.1.1.2"));
  EXPECT_EQ(apps_.memberships_of(kOrigin), 2u);
  socket_->OnRendererGone();
  ExpectEnded(absl::StatusCode::kOk);
  EXPECT_EQ(apps_.memberships_of(kOrigin), 0u);
}

}  // namespace
}  // namespace test
}  // namespace network_service
