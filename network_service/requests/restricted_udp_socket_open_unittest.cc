// Opening and closing a RestrictedUDPSocket: the checks of the open request,
// the app's manifest and the policy, name lookups, the socket layer's
// refusals, and closing while each step is pending.
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

using ::common::IpAddress;

TEST_F(RestrictedUDPSocketTest, BoundOpenConfiguresTheSocketAndAnswers) {
  v1::OpenUDPSocket open = Bound("0.0.0.0", 5000);
  open.set_multicast_time_to_live(3);
  open.set_multicast_loopback(false);
  open.set_multicast_allow_address_sharing(true);
  open.set_receive_buffer_size(1 << 20);
  OpenBound(open);
  const FakeSocketRecord& kernel = Kernel();
  EXPECT_EQ(kernel.family, AF_INET);
  EXPECT_TRUE(kernel.bound);
  EXPECT_EQ(kernel.options.multicast_ttl, 3u);
  EXPECT_FALSE(kernel.options.multicast_loopback);
  EXPECT_TRUE(kernel.options.allow_address_sharing);
  EXPECT_EQ(kernel.options.receive_buffer_size, 1u << 20);
  EXPECT_EQ(OpenedEvent()->local_address(), "0.0.0.0");
  EXPECT_EQ(OpenedEvent()->local_port(), 5000u);
  EXPECT_EQ(apps_.sockets_of(kOrigin), 1u);
  EXPECT_EQ(stream_->reads, 1);
}

TEST_F(RestrictedUDPSocketTest, OptionsDefaultToTheSpecs) {
  OpenBound(Bound("::", 5000));
  EXPECT_EQ(Kernel().family, AF_INET6);
  EXPECT_EQ(Kernel().options.multicast_ttl, 1u);
  EXPECT_TRUE(Kernel().options.multicast_loopback);
  EXPECT_FALSE(Kernel().options.allow_address_sharing);
  EXPECT_FALSE(Kernel().options.ipv6_only.has_value());
}

TEST_F(RestrictedUDPSocketTest, AnInvalidOpenEndsTheStream) {
  Make();
  Open(Bound("0.0.0.0", 80));
  ExpectEnded(absl::StatusCode::kPermissionDenied, "80");
  EXPECT_TRUE(factory_.sockets().empty());
}

TEST_F(RestrictedUDPSocketTest, RequestsBeforeOpen) {
  // A send is refused and the stream may still open.
  Make();
  Send(1, {To("239.1.1.1", 5000)});
  EXPECT_EQ(ResultOf(1)->code(), absl::StatusCode::kFailedPrecondition);
  Open(Bound("0.0.0.0", 5000));
  EXPECT_NE(OpenedEvent(), nullptr);
  socket_->Close(absl::OkStatus());
  ASSERT_TRUE(WaitUntilClosed());
  // A join before open: the renderer has no MulticastController yet.
  Make();
  Join(1, Group("239.1.1.1"));
  ExpectEnded(absl::StatusCode::kFailedPrecondition, "before the socket");
  // A request that names nothing.
  Make();
  Request(1, v1::UDPSocketRequest());
  ExpectEnded(absl::StatusCode::kInvalidArgument, "must be open");
}

TEST_F(RestrictedUDPSocketTest, UnknownFieldsAreRefused) {
  Make();
  v1::UDPSocketRequest request;
  *request.mutable_open() = Bound("0.0.0.0", 5000);
  request.mutable_open()
      ->GetReflection()
      ->MutableUnknownFields(request.mutable_open())
      ->AddVarint(99, 1);
  Request(1, std::move(request));
  ExpectEnded(absl::StatusCode::kInvalidArgument, "");
}

TEST_F(RestrictedUDPSocketTest, ASecondOpenIsRefusedAndTheSocketStays) {
  OpenBound();
  v1::UDPSocketRequest again;
  *again.mutable_open() = Bound("0.0.0.0", 5001);
  Request(2, std::move(again));
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(socket_->is_open());
  EXPECT_EQ(factory_.sockets().size(), 1u);
}

TEST_F(RestrictedUDPSocketTest, TheManifestDecidesWhatMayOpen) {
  Make({"local-network"});
  Open(Bound("0.0.0.0", 5000));
  ExpectEnded(absl::StatusCode::kPermissionDenied, "direct-sockets");
  Make({"direct-sockets"});
  Open(Bound("0.0.0.0", 5000));
  ExpectEnded(absl::StatusCode::kPermissionDenied, "local-network");
  // Multicast options without the feature: the renderer throws for these,
  // so asking is a broken renderer.
  Make({"direct-sockets", "local-network"});
  v1::OpenUDPSocket open = Bound("0.0.0.0", 5000);
  open.set_multicast_time_to_live(2);
  Open(open);
  ExpectEnded(absl::StatusCode::kPermissionDenied, "multicast options");
  EXPECT_TRUE(factory_.sockets().empty());
}

TEST_F(RestrictedUDPSocketTest, ThePolicyDecidesWhatMayOpen) {
  Make();
  v1::OpenUDPSocket open = Bound("0.0.0.0", 5000);
  open.set_multicast_time_to_live(5);  // The rule's max_ttl is 4.
  Open(open);
  ExpectEnded(absl::StatusCode::kPermissionDenied, "max_ttl");
  EXPECT_TRUE(factory_.sockets().empty());
}

TEST_F(RestrictedUDPSocketTest, TheAppsSocketCapHolds) {
  for (size_t i = 0; i < AppRegistry::kMaxSocketsPerApp; ++i)
    ASSERT_TRUE(apps_.AcquireSocket(kOrigin).ok());
  Make();
  Open(Bound("0.0.0.0", 5000));
  ExpectEnded(absl::StatusCode::kResourceExhausted, "");
  for (size_t i = 0; i < AppRegistry::kMaxSocketsPerApp; ++i)
    apps_.ReleaseSocket(kOrigin);
}

TEST_F(RestrictedUDPSocketTest, TheSocketLayersRefusalsEndTheStream) {
  Make();
  factory_.next_create_error = absl::UnavailableError("no descriptors");
  Open(Bound("0.0.0.0", 5000));
  ExpectEnded(absl::StatusCode::kUnavailable, "no descriptors");
  EXPECT_EQ(apps_.sockets_of(kOrigin), 0u);
}

TEST_F(RestrictedUDPSocketTest, ConnectedPeersAreDecidedAfterTheLookup) {
  Make();
  v1::OpenUDPSocket open = Connected("peer.example", 7000);
  open.mutable_connected()->set_dns_query_type(v1::DNS_QUERY_TYPE_IPV6);
  Open(open);
  EXPECT_EQ(factory_.pending_lookups(), 1u);
  EXPECT_EQ(factory_.last_lookup_host(), "peer.example");
  EXPECT_EQ(factory_.last_lookup_family(), AF_INET6);
  EXPECT_EQ(OpenedEvent(), nullptr);
  // A send while the name resolves is out of order.
  Send(2, {To("", 0)});
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(factory_.CompleteLookup(*IpAddress::Parse("2001:db8::7")));
  ASSERT_NE(OpenedEvent(), nullptr);
  EXPECT_EQ(OpenedEvent()->remote_address(), "2001:db8::7");
  EXPECT_EQ(OpenedEvent()->remote_port(), 7000u);
  EXPECT_TRUE(Kernel().connected);
}

TEST_F(RestrictedUDPSocketTest, ALookupThatFindsNothingEndsTheStream) {
  Make();
  Open(Connected("nowhere.example", 7000));
  ASSERT_TRUE(factory_.CompleteLookup(absl::NotFoundError("no such name")));
  ExpectEnded(absl::StatusCode::kNotFound, "no such name");
}

TEST_F(RestrictedUDPSocketTest, AResolvedPrivatePeerNeedsTheManifestsFeature) {
  Make({"direct-sockets"});
  Open(Connected("router.example", 7000));
  ASSERT_TRUE(factory_.CompleteLookup(*IpAddress::Parse("192.168.1.1")));
  ExpectEnded(absl::StatusCode::kPermissionDenied, "local-network");
  Make({"direct-sockets"});
  Open(Connected("::ffff:127.0.0.1", 7000));  // Decided as IPv4 loopback.
  ExpectEnded(absl::StatusCode::kPermissionDenied, "loopback-network");
  EXPECT_TRUE(factory_.sockets().empty());
}

TEST_F(RestrictedUDPSocketTest, AConnectedGroupNeedsTheFeatureAndTheRule) {
  Make({"direct-sockets"});
  Open(Connected("239.1.1.1", 5000));
  ExpectEnded(absl::StatusCode::kPermissionDenied, "direct-sockets-multicast");
  Make();
  Open(Connected("239.2.2.2", 5000));  // Not in send_groups.
  ExpectEnded(absl::StatusCode::kPermissionDenied, "send_groups");
  Make();
  Open(Connected("239.1.1.1", 5000));
  EXPECT_NE(OpenedEvent(), nullptr);
}

TEST_F(RestrictedUDPSocketTest, ClosingDuringALookupCancelsIt) {
  Make();
  Open(Connected("slow.example", 7000));
  ASSERT_EQ(factory_.pending_lookups(), 1u);
  socket_->OnRendererGone();
  ExpectEnded(absl::StatusCode::kOk);
  EXPECT_EQ(factory_.pending_lookups(), 0u);
  EXPECT_FALSE(factory_.CompleteLookup(*IpAddress::Parse("10.0.0.1")));
  EXPECT_TRUE(factory_.sockets().empty());
}

TEST_F(RestrictedUDPSocketTest, ClosingAnOpenSocketClosesTheKernelsSocket) {
  OpenBound();
  socket_->Close(absl::UnavailableError("service shutting down"));
  ExpectEnded(absl::StatusCode::kUnavailable, "shutting down");
  EXPECT_TRUE(Kernel().closed);
  EXPECT_EQ(Kernel().live, nullptr);
}

TEST_F(RestrictedUDPSocketTest, AStreamThatNeverOpensEndsAfterTheDeadline) {
  Make();
  ASSERT_TRUE(RunUntil(
      [this] { return closed_; },
      absl::Milliseconds(RestrictedUDPSocket::kOpenDeadlineMs + 2000)));
  ExpectEnded(absl::StatusCode::kDeadlineExceeded, "no open request");
}

TEST_F(RestrictedUDPSocketTest, RequestsAfterCloseAreIgnored) {
  OpenBound();
  socket_->Close(absl::OkStatus());
  Send(2, {To("239.1.1.1", 5000)});
  EXPECT_FALSE(ResultOf(2).has_value());
  ExpectEnded(absl::StatusCode::kOk);
  EXPECT_TRUE(Kernel().sent.empty());
}

}  // namespace
}  // namespace test
}  // namespace network_service
