// Receiving through a RestrictedUDPSocket: only within the renderer's
// credit, gathered into events (or frames on the renderer's datagram pipe),
// paused while the renderer's outbox is full, and a receive error as the
// socket's error.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/datagram_frame.h"
#include "common/datagram_frame_testing.h"
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

using ::common::IpAddress;

TEST_F(RestrictedUDPSocketTest, NothingIsReadWithoutCredit) {
  OpenBound();
  EXPECT_FALSE(Kernel().receiving);
  Credit(2);
  EXPECT_TRUE(Kernel().receiving);
  FakeDatagramSocket* kernel = factory_.live_socket();
  const IpAddress from = *IpAddress::Parse("10.0.0.5");
  kernel->Deliver("one", from, 4000);
  kernel->Deliver("two", from, 4000);
  EXPECT_FALSE(Kernel().receiving) << "read past the credit";
  ASSERT_TRUE(RunUntil([this] { return ReceivedCount(*stream_) == 2; }));
  // What one loop iteration read went as one event, with its senders.
  const v1::UDPSocketEvent& event = stream_->events.back();
  ASSERT_EQ(event.received().datagrams_size(), 2);
  EXPECT_EQ(event.received().datagrams(0).data(), "one");
  EXPECT_EQ(event.received().datagrams(1).remote_address(), "10.0.0.5");
  EXPECT_EQ(event.received().datagrams(1).remote_port(), 4000u);
}

TEST_F(PipedSocketTest, DatagramsGoOnThePipeWithTheCreditItCarries) {
  const uint32_t socket_id = OpenPiped();
  ASSERT_NE(socket_id, 0u);
  common::DatagramCredit credit;
  credit.socket_id = socket_id;
  credit.count = 2;
  ASSERT_EQ(send(renderer_end_, &credit, sizeof(credit), 0),
            static_cast<ssize_t>(sizeof(credit)));
  ASSERT_TRUE(RunUntil([this] { return Kernel().receiving; }));
  FakeDatagramSocket* kernel = factory_.live_socket();
  const IpAddress from = *IpAddress::Parse("10.0.0.5");
  kernel->Deliver("one", from, 4000);
  kernel->Deliver("two", from, 4001);
  EXPECT_FALSE(Kernel().receiving) << "read past the credit";
  EXPECT_EQ(
      NextFrame(socket_id),
      (std::vector<std::string>{"one@10.0.0.5:4000", "two@10.0.0.5:4001"}));
  EXPECT_EQ(ReceivedCount(*stream_), 0) << "sent on the stream as well";
}

TEST_F(PipedSocketTest, ABatchThePipeWillNotTakeGoesOnTheStreamInOrder) {
  const uint32_t socket_id = OpenPiped();
  ASSERT_NE(socket_id, 0u);
  close(renderer_end_);  // Nobody reads the pipe: every send fails.
  renderer_end_ = -1;
  Credit(3);
  FakeDatagramSocket* kernel = factory_.live_socket();
  const IpAddress from = *IpAddress::Parse("10.0.0.5");
  kernel->Deliver("one", from, 4000);
  kernel->Deliver("two", from, 4000);
  kernel->Deliver("three", from, 4000);
  ASSERT_TRUE(RunUntil([this] { return ReceivedCount(*stream_) == 3; }));
  std::vector<std::string> got;
  for (const v1::UDPSocketEvent& event : stream_->events) {
    for (const v1::Datagram& datagram : event.received().datagrams()) {
      got.push_back(datagram.data());
      EXPECT_EQ(datagram.remote_address(), "10.0.0.5");
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(RestrictedUDPSocketTest, CreditSaturates) {
  OpenBound();
  Credit(UINT32_MAX);
  Credit(UINT32_MAX);
  FakeDatagramSocket* kernel = factory_.live_socket();
  for (uint32_t i = 0; i < ReceiveFlow::kMaxReceiveCredit; ++i)
    kernel->Deliver("x", *IpAddress::Parse("10.0.0.5"), 4000);
  EXPECT_FALSE(Kernel().receiving);
  ASSERT_TRUE(RunUntil([this] {
    return ReceivedCount(*stream_) ==
           static_cast<int>(ReceiveFlow::kMaxReceiveCredit);
  }));
  for (const v1::UDPSocketEvent& event : stream_->events) {
    if (event.has_received()) {
      EXPECT_LE(event.received().datagrams_size(),
                ReceiveFlow::kMaxDatagramsPerEvent);
    }
  }
}

TEST_F(RestrictedUDPSocketTest, AFullOutboxPausesReceiving) {
  OpenBound();
  stream_->outbox_bytes = RendererStream::kPauseBytes;
  Credit(10);
  EXPECT_FALSE(Kernel().receiving);
  stream_->outbox_bytes = 0;
  socket_->OnOutboxDrained();
  EXPECT_TRUE(Kernel().receiving);
}

TEST_F(RestrictedUDPSocketTest, AConnectedSocketsDatagramsNameNoSender) {
  Make();
  Open(Connected("10.0.0.1", 9000));
  Credit(1);
  factory_.live_socket()->Deliver("x", *IpAddress::Parse("10.0.0.1"), 9000);
  ASSERT_TRUE(RunUntil([this] { return ReceivedCount(*stream_) == 1; }));
  EXPECT_TRUE(
      stream_->events.back().received().datagrams(0).remote_address().empty());
}

TEST_F(RestrictedUDPSocketTest, AReceiveErrorIsTheSocketsError) {
  OpenBound();
  Credit(5);
  factory_.live_socket()->Deliver("last", *IpAddress::Parse("10.0.0.5"), 1);
  factory_.live_socket()->FailReceiving(
      absl::UnavailableError("receiving: connection refused"));
  ExpectEnded(absl::StatusCode::kUnavailable, "connection refused");
  // What was read before the error still reached the renderer, first.
  ASSERT_GE(stream_->events.size(), 2u);
  EXPECT_TRUE(stream_->events[stream_->events.size() - 2].has_received());
  EXPECT_TRUE(stream_->events.back().has_socket_error());
}

TEST_F(RestrictedUDPSocketTest, CreditBeforeOpenIsIgnored) {
  Make();
  Open(Connected("slow.example", 9000));
  Credit(5);
  ASSERT_TRUE(factory_.CompleteLookup(*IpAddress::Parse("10.0.0.1")));
  EXPECT_FALSE(Kernel().receiving);
}

}  // namespace
}  // namespace test
}  // namespace network_service
