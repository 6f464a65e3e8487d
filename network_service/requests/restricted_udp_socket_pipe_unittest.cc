// Sends, joins and leaves that come on the renderer's datagram pipe: each
// becomes the request the stream would have carried, is checked the same
// way, and is answered on the pipe (sends in order with every other send of
// the socket); what the pipe holds per socket is bounded.
#include <string>
#include <vector>

#include "common/datagram_frame_testing.h"
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

using Outgoing = ::common::OutgoingDatagram;

std::string SendFrame(uint32_t socket_id,
                      uint64_t request_id,
                      const std::vector<Outgoing>& datagrams) {
  return common::SendFrameBytes(socket_id, request_id, datagrams);
}

class PipedSendTest : public PipedSocketTest {
 protected:
  // The next send result on the pipe, as "id:OK" or "id:CODE".
  std::string NextResult(uint32_t socket_id) {
    const std::string message = NextPipeMessage();
    uint32_t answered_socket = 0;
    std::optional<std::string> result =
        common::ResultText(message, &answered_socket);
    if (!result)
      return message.empty() ? "(nothing)" : "(not a result)";
    EXPECT_EQ(answered_socket, socket_id);
    return *result;
  }
  std::vector<std::string> SentData() {
    std::vector<std::string> sent;
    for (const FakeSocketRecord::Sent& datagram : Kernel().sent)
      sent.push_back(datagram.data);
    return sent;
  }
};

TEST_F(PipedSendTest, AFrameIsSentAndAnsweredOnThePipe) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  WriteToPipe(
      SendFrame(id, 7, {{"a", "10.0.0.1", 9000}, {"b", "239.1.1.1", 5000}}));
  EXPECT_EQ(NextResult(id), "7:OK");
  ASSERT_EQ(Kernel().sent.size(), 2u);
  EXPECT_EQ(Kernel().sent[0].data, "a");
  EXPECT_EQ(Kernel().sent[0].to->ToString(), "10.0.0.1");
  EXPECT_EQ(Kernel().sent[1].to->ToString(), "239.1.1.1");
  EXPECT_FALSE(ResultOf(7).has_value()) << "answered on the stream as well";
}

// The checks are the stream's: a destination the policy does not allow is
// refused and nothing of the request is sent; the refusal waits for the
// result of the send before it.
TEST_F(PipedSendTest, ARefusalIsAnsweredInOrderAfterEarlierSends) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  WriteToPipe(SendFrame(id, 7, {{"a", "10.0.0.1", 9000}}));
  WriteToPipe(SendFrame(
      id, 8, {{"b", "10.0.0.2", 9000}, {"c", "239.9.9.9", 5000}}));  // No rule.
  ASSERT_TRUE(RunUntil([this] { return Kernel().sent.size() == 1; }));
  ASSERT_TRUE(factory_.live_socket()->CompleteQueuedSend());
  EXPECT_EQ(NextResult(id), "7:OK");
  EXPECT_EQ(NextResult(id), "8:PERMISSION_DENIED");
  EXPECT_EQ(SentData(), std::vector<std::string>{"a"});
}

// The pipe is not paused for one socket's rate: a later send waits behind
// the held one (unicast or not), and the stream's reading is left alone.
TEST_F(PipedSendTest, ASendHeldByTheRateKeepsLaterOnesBehindIt) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  const int reads_before = stream_->reads;
  WriteToPipe(
      SendFrame(id, 7, {{"g1", "239.1.1.1", 5000}, {"g2", "239.1.1.2", 5000}}));
  WriteToPipe(SendFrame(id, 8, {{"u", "10.0.0.1", 9000}}));
  EXPECT_EQ(NextResult(id), "7:OK");
  EXPECT_EQ(NextResult(id), "8:OK");
  EXPECT_EQ(SentData(), (std::vector<std::string>{"g1", "g2", "u"}));
  EXPECT_EQ(stream_->reads, reads_before) << "the stream was read for it";
}

TEST_F(PipedSendTest, AResultThePipeWillNotTakeGoesOnTheStream) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  WriteToPipe(SendFrame(id, 7, {{"a", "10.0.0.1", 9000}}));
  ASSERT_TRUE(RunUntil([this] { return Kernel().sent.size() == 1; }));
  pipe_->Close();
  ASSERT_TRUE(factory_.live_socket()->CompleteQueuedSend());
  ASSERT_TRUE(ResultOf(7).has_value());
  EXPECT_TRUE(ResultOf(7)->ok());
}

TEST_F(PipedSendTest, MoreSendsInFlightThanARendererMayHaveCloseTheSocket) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  factory_.live_socket()->send_result = DatagramSocket::SendResult::kQueued;
  for (uint64_t request = 1;
       request <= RestrictedUDPSocket::kMaxPipeSendsInFlight + 1; ++request) {
    WriteToPipe(SendFrame(id, request, {{"x", "10.0.0.1", 9000}}));
  }
  ExpectEnded(absl::StatusCode::kResourceExhausted, "in flight");
  EXPECT_EQ(Kernel().sent.size(), RestrictedUDPSocket::kMaxPipeSendsInFlight);
}

TEST_F(PipedSendTest, AFrameForNoSocketOfThisChannelSendsNothing) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  WriteToPipe(SendFrame(id + 100, 7, {{"a", "10.0.0.1", 9000}}));
  WriteToPipe(SendFrame(id, 8, {{"b", "10.0.0.1", 9000}}));
  EXPECT_EQ(NextResult(id), "8:OK");
  EXPECT_EQ(SentData(), std::vector<std::string>{"b"});
  EXPECT_FALSE(pipe_->closed());
}

TEST_F(PipedSendTest, ABrokenFrameClosesThePipeAndSendsNothing) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  const std::string frame = SendFrame(id, 7, {{"abc", "10.0.0.1", 9000}});
  WriteToPipe(frame.substr(0, frame.size() - 1));  // Cut in its data.
  ASSERT_TRUE(RunUntil([this] { return pipe_->closed(); }));
  EXPECT_TRUE(Kernel().sent.empty());
  EXPECT_EQ(pipe_->broken_messages(), 1u);
  EXPECT_TRUE(socket_->is_open()) << "the socket goes on over its stream";
}

std::string MembershipMessage(uint32_t socket_id,
                              uint64_t request_id,
                              bool join,
                              const v1::MulticastGroup& group) {
  return common::DatagramMembership::Encode(socket_id, request_id, join,
                                            group.SerializeAsString());
}

TEST_F(PipedSendTest, JoinsAndLeavesAreCheckedAndAnsweredOnThePipe) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  WriteToPipe(MembershipMessage(id, 7, true, Group("239.1.2.3")));
  EXPECT_EQ(NextResult(id), "7:OK");
  ASSERT_EQ(Kernel().memberships.size(), 1u);
  EXPECT_EQ(apps_.memberships_of(kOrigin), 1u);
  // The policy's answer, as on the stream.
  WriteToPipe(MembershipMessage(id, 8, true, Group("239.9.9.9")));
  EXPECT_EQ(NextResult(id), "8:PERMISSION_DENIED");
  WriteToPipe(MembershipMessage(id, 9, false, Group("239.1.2.3")));
  EXPECT_EQ(NextResult(id), "9:OK");
  EXPECT_TRUE(Kernel().memberships.empty());
  EXPECT_EQ(apps_.memberships_of(kOrigin), 0u);
  EXPECT_FALSE(ResultOf(7).has_value()) << "answered on the stream as well";
}

// What an honest renderer never asks (a leave of a group it did not join)
// closes the socket, as on the stream.
TEST_F(PipedSendTest, AnInconsistentLeaveOnThePipeClosesTheSocket) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  WriteToPipe(MembershipMessage(id, 7, false, Group("239.1.2.3")));
  ExpectEnded(absl::StatusCode::kFailedPrecondition);
}

TEST_F(PipedSendTest, AGroupWithUnknownFieldsClosesThePipe) {
  const uint32_t id = OpenPiped();
  ASSERT_NE(id, 0u);
  v1::MulticastGroup group = Group("239.1.2.3");
  group.GetReflection()->MutableUnknownFields(&group)->AddVarint(99, 1);
  WriteToPipe(MembershipMessage(id, 7, true, group));
  ASSERT_TRUE(RunUntil([this] { return pipe_->closed(); }));
  EXPECT_TRUE(Kernel().memberships.empty());
  EXPECT_TRUE(socket_->is_open()) << "the socket goes on over its stream";
}

}  // namespace
}  // namespace test
}  // namespace network_service
