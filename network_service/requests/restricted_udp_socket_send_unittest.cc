// Sends through a RestrictedUDPSocket: every datagram checked before any is
// sent, the app's byte budget and send rate, the socket layer's queue, and
// closing while a send is held or queued.
#include "absl/strings/str_cat.h"
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

using ::common::IpAddress;

TEST_F(RestrictedUDPSocketTest, ADatagramToAnAllowedGroupIsSent) {
  OpenBound();
  Send(2, {To("239.1.1.1", 5000, "hello")});
  ASSERT_TRUE(RunUntil([this] { return ResultOf(2).has_value(); }));
  EXPECT_TRUE(ResultOf(2)->ok()) << *ResultOf(2);
  ASSERT_EQ(Kernel().sent.size(), 1u);
  EXPECT_EQ(Kernel().sent[0].data, "hello");
  EXPECT_EQ(Kernel().sent[0].to, IpAddress::Parse("239.1.1.1"));
  EXPECT_EQ(Kernel().sent[0].port, 5000);
}

TEST_F(RestrictedUDPSocketTest, ABadDatagramSendsNothingOfItsRequest) {
  OpenBound(Bound("0.0.0.0", 5000));
  Send(2, {To("10.0.0.1", 9000), To("", 9000)});  // No address.
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kInvalidArgument);
  Send(3, {To("10.0.0.1", 9000), To("239.9.9.9", 5000)});  // Not allowed.
  EXPECT_EQ(ResultOf(3)->code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(ResultOf(3)->message().find("send_groups"), std::string::npos);
  Send(4, {To("10.0.0.1", 9000), To("239.1.1.1", 6000)});  // Port.
  EXPECT_EQ(ResultOf(4)->code(), absl::StatusCode::kPermissionDenied);
  Send(5, {To("10.0.0.1", 9000), To("::1", 9000)});  // Family.
  EXPECT_EQ(ResultOf(5)->code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Kernel().sent.empty());
  // The stream goes on: each refusal is an answer, not a broken renderer.
  EXPECT_TRUE(socket_->is_open());
  EXPECT_EQ(stream_->reads, 5);
}

TEST_F(RestrictedUDPSocketTest, ADestinationNeedsTheManifestsFeatures) {
  Make({"direct-sockets", "local-network"});
  Open(Bound("0.0.0.0", 5000));
  Send(2, {To("239.1.1.1", 5000)});
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(ResultOf(2)->message().find("direct-sockets-multicast"),
            std::string::npos);
  EXPECT_TRUE(Kernel().sent.empty());
}

TEST_F(RestrictedUDPSocketTest, TooManyDatagramsInOneRequestAreRefused) {
  OpenBound();
  std::vector<v1::Datagram> datagrams(
      RestrictedUDPSocket::kMaxDatagramsPerRequest + 1, To("10.0.0.1", 9000));
  Send(2, std::move(datagrams));
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Kernel().sent.empty());
}

TEST_F(RestrictedUDPSocketTest, TheAppsSendByteBudgetHolds) {
  OpenBound();
  ASSERT_TRUE(
      apps_.AcquireSendBytes(kOrigin, AppRegistry::kMaxPendingSendBytesPerApp)
          .ok());
  Send(2, {To("10.0.0.1", 9000)});
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kResourceExhausted);
  apps_.ReleaseSendBytes(kOrigin, AppRegistry::kMaxPendingSendBytesPerApp);
  EXPECT_TRUE(Kernel().sent.empty());
}

TEST_F(RestrictedUDPSocketTest, AQueuedSendIsAnsweredWhenTheKernelIsDone) {
  OpenBound();
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  Send(2, {To("10.0.0.1", 9000), To("10.0.0.2", 9000)});
  EXPECT_FALSE(ResultOf(2).has_value());
  ASSERT_TRUE(factory_.live_socket()->CompleteQueuedSend());
  EXPECT_FALSE(ResultOf(2).has_value());
  ASSERT_TRUE(factory_.live_socket()->CompleteQueuedSend(
      absl::UnavailableError("network unreachable")));
  ASSERT_TRUE(ResultOf(2).has_value());
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kUnavailable);
}

// Results come in request order: a request refused by the checks waits for
// the result of the queued one before it (the renderer settles writes in
// that order).
TEST_F(RestrictedUDPSocketTest, ARefusalWaitsForTheResultsOfEarlierSends) {
  OpenBound();
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  Send(2, {To("10.0.0.1", 9000)});
  Send(3, {To("239.9.9.9", 5000)});  // No rule allows it.
  EXPECT_FALSE(ResultOf(3).has_value()) << "answered before request 2";
  ASSERT_TRUE(factory_.live_socket()->CompleteQueuedSend());
  std::vector<uint64_t> answered;
  for (const v1::UDPSocketEvent& event : stream_->events) {
    if (event.has_result())
      answered.push_back(event.result().request_id());
  }
  EXPECT_EQ(answered, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(ResultOf(3)->code(), absl::StatusCode::kPermissionDenied);
}

// Runs of datagrams to one peer go as one segmented send (UDP GSO): equal
// lengths, a shorter one last; everything else one by one, in order.
TEST_F(RestrictedUDPSocketTest, RunsToOnePeerGoInOneSegmentedSend) {
  OpenBound();
  factory_.live_socket()->takes_segmented_sends = true;
  Send(2, {To("10.0.0.1", 9000, "a1aa"), To("10.0.0.1", 9000, "a2aa"),
           To("10.0.0.1", 9000, "a3"), To("10.0.0.1", 9000, "a4aa"),
           To("10.0.0.2", 9000, "b1aa"), To("10.0.0.2", 9000, "b2aa")});
  ASSERT_TRUE(ResultOf(2).has_value());
  EXPECT_TRUE(ResultOf(2)->ok());
  std::vector<std::string> sent;
  for (const FakeSocketRecord::Sent& datagram : Kernel().sent)
    sent.push_back(absl::StrCat(datagram.data, "@", datagram.to->ToString()));
  EXPECT_EQ(sent, (std::vector<std::string>{"a1aa@10.0.0.1", "a2aa@10.0.0.1",
                                            "a3@10.0.0.1", "a4aa@10.0.0.1",
                                            "b1aa@10.0.0.2", "b2aa@10.0.0.2"}));
  // a1-a3 (a shorter one ends a run), a4 alone, b1-b2.
  EXPECT_EQ(factory_.live_socket()->segmented_sends, 2);
}

TEST_F(RestrictedUDPSocketTest, TheSocketLayersRefusalAnswersTheSend) {
  OpenBound();
  factory_.live_socket()->send_result =
      absl::ResourceExhaustedError("the socket's send queue is full");
  Send(2, {To("10.0.0.1", 9000), To("10.0.0.2", 9000)});
  EXPECT_EQ(ResultOf(2)->code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(ResultOf(2)->message().find("datagram 1 of 2"), std::string::npos);
  EXPECT_TRUE(socket_->is_open());
}

TEST_F(RestrictedUDPSocketTest, ClosingWithQueuedSendsAnswersNothingMore) {
  OpenBound();
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  Send(2, {To("10.0.0.1", 9000)});
  socket_->OnRendererGone();
  ExpectEnded(absl::StatusCode::kOk);
  EXPECT_FALSE(ResultOf(2).has_value());
}

// The policy's 100 datagrams a second, in a bucket that starts empty: a
// request to a group waits, and so does the renderer's next request.
TEST_F(RestrictedUDPSocketTest, TheAppsSendRateHoldsARequestAndTheRenderer) {
  OpenBound();
  const int reads_before = stream_->reads;
  Send(2, {To("239.1.1.1", 5000), To("239.1.1.2", 5000), To("10.0.0.1", 9000)});
  EXPECT_FALSE(ResultOf(2).has_value());
  EXPECT_EQ(stream_->reads, reads_before) << "read on while held";
  ASSERT_TRUE(RunUntil([this] { return ResultOf(2).has_value(); }));
  EXPECT_TRUE(ResultOf(2)->ok());
  EXPECT_EQ(Kernel().sent.size(), 3u);
  EXPECT_EQ(stream_->reads, reads_before + 1);
}

TEST_F(RestrictedUDPSocketTest, ClosingWhileTheRateHoldsASendDropsIt) {
  OpenBound();
  Send(2, {To("239.1.1.1", 5000), To("239.1.1.2", 5000)});
  ASSERT_FALSE(ResultOf(2).has_value());
  socket_->OnRendererGone();
  ExpectEnded(absl::StatusCode::kOk);
  EXPECT_FALSE(ResultOf(2).has_value());
  // The fixture checks that the held bytes went back to the app.
}

TEST_F(RestrictedUDPSocketTest, AConnectedSocketSendsOnlyToItsPeer) {
  Make();
  Open(Connected("10.0.0.1", 9000));
  Send(2, {To("", 0, "a")});
  EXPECT_TRUE(ResultOf(2)->ok());
  Send(3, {To("10.0.0.2", 9000)});
  EXPECT_EQ(ResultOf(3)->code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(Kernel().sent.size(), 1u);
  EXPECT_FALSE(Kernel().sent[0].to.has_value());
}

}  // namespace
}  // namespace test
}  // namespace network_service
