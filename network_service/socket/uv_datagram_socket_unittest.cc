// The real socket layer on loopback. Its segmented send (UDP GSO): a run of
// datagrams goes in one send and arrives as those datagrams, in order and
// intact; what the kernel could not cut that way is refused (0), for Send()
// to carry one by one. Its receive (DatagramReader): one wakeup reads past
// libuv's own 32 datagrams, never more than the receiver takes, and loses
// none when the receiver stops in the middle of a read; a run the kernel
// hands over as one message (UDP GRO) comes out as the datagrams it was.
#include "network_service/socket/uv_datagram_socket.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "gtest/gtest.h"

namespace network_service {
namespace {

using ::common::IpAddress;

// Keeps what it receives as numbers (each datagram is its index's text,
// maybe padded with spaces) and their lengths, and
// takes `budget` more, or runs `on_datagram` after each.
class CountingReceiver : public DatagramSocket::Receiver {
 public:
  void OnDatagram(absl::string_view data, const sockaddr*) override {
    int index = -1;
    EXPECT_TRUE(absl::SimpleAtoi(data, &index)) << data;
    received.push_back(index);
    lengths.push_back(data.size());
    if (budget > 0)
      --budget;
    if (on_datagram)
      on_datagram();
  }
  size_t ReceiveBudget() const override { return budget; }
  void OnReceiveError(absl::Status error) override { ADD_FAILURE() << error; }

  std::vector<int> received;
  std::vector<size_t> lengths;
  size_t budget = 100000;
  absl::AnyInvocable<void()> on_datagram;
};

class UvDatagramSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int error = 0;
    socket_ =
        std::make_unique<UvDatagramSocket>(loop_.uv_loop(), AF_INET, &error);
    ASSERT_EQ(error, 0);
    sockaddr_storage local;
    IpAddress::Parse("127.0.0.1")->ToSockaddr(0, &local);
    ASSERT_TRUE(socket_->Bind(reinterpret_cast<sockaddr*>(&local), {}).ok());
    // A plain receiver on loopback, whose reads give up after 5 s.
    receiver_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t length = IpAddress::Parse("127.0.0.1")->ToSockaddr(0, &to_);
    ASSERT_EQ(bind(receiver_, reinterpret_cast<sockaddr*>(&to_), length), 0);
    ASSERT_EQ(
        getsockname(receiver_, reinterpret_cast<sockaddr*>(&to_), &length), 0);
    timeval timeout{5, 0};
    setsockopt(receiver_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  void TearDown() override {
    close(receiver_);
    bool closed = false;
    socket_->Close([&closed] { closed = true; });
    EXPECT_TRUE(loop_.RunUntil([&closed] { return closed; }, absl::Seconds(5)));
  }
  const sockaddr* to() const { return reinterpret_cast<const sockaddr*>(&to_); }
  std::string Receive() {
    char buffer[2048];
    const ssize_t got = recv(receiver_, buffer, sizeof(buffer), 0);
    return got < 0 ? "(nothing)"
                   : std::string(buffer, static_cast<size_t>(got));
  }

  common::EventLoop loop_;
  std::unique_ptr<UvDatagramSocket> socket_;
  int receiver_ = -1;
  sockaddr_storage to_{};
};

TEST_F(UvDatagramSocketTest, ASegmentedSendArrivesAsItsDatagrams) {
  const std::string a(1200, 'a'), b(1200, 'b'), c(700, 'c');
  const std::vector<absl::string_view> datagrams = {a, b, c};
  ASSERT_EQ(socket_->TrySendSegmented(datagrams, to()), 3u)
      << "this kernel takes no UDP_SEGMENT on loopback";
  EXPECT_EQ(Receive(), a);
  EXPECT_EQ(Receive(), b);
  EXPECT_EQ(Receive(), c);
}

TEST_F(UvDatagramSocketTest, WhatCannotBeOneSegmentedSendIsRefused) {
  const std::vector<std::vector<absl::string_view>> refused = {
      {"only one"},
      {"short", "longer last"},
      {"same", "", "same"},
      {"a", "bb", "a"},
  };
  for (const std::vector<absl::string_view>& datagrams : refused)
    EXPECT_EQ(socket_->TrySendSegmented(datagrams, to()), 0u);
  // Sixty-five is one more than a send may carry.
  const std::vector<absl::string_view> many(65, "x");
  EXPECT_EQ(socket_->TrySendSegmented(many, to()), 0u);
  // Nothing went out; a good run still does.
  const std::vector<absl::string_view> good = {"xy", "zw"};
  ASSERT_EQ(socket_->TrySendSegmented(good, to()), 2u);
  EXPECT_EQ(Receive(), "xy");
  EXPECT_EQ(Receive(), "zw");
}

class UvDatagramSocketReceiveTest : public UvDatagramSocketTest {
 protected:
  // Queues `count` datagrams ("0", "1", ...) in the socket's kernel buffer
  // (small ones: the default buffer holds 200).
  void QueueDatagrams(int first, int count) {
    sockaddr_storage address;
    ASSERT_TRUE(socket_->GetLocalAddress(&address).ok());
    for (int i = first; i < first + count; ++i) {
      const std::string text = absl::StrCat(i);
      ASSERT_EQ(sendto(receiver_, text.data(), text.size(), 0,
                       reinterpret_cast<const sockaddr*>(&address),
                       sizeof(sockaddr_in)),
                static_cast<ssize_t>(text.size()));
    }
  }
  // One iteration of the loop: the socket is readable, so it does not wait.
  void RunOneIteration() { uv_run(loop_.uv_loop(), UV_RUN_ONCE); }
  // Receives again, with no hook, until all `count` queued datagrams have
  // come: the ones left in the kernel follow the ones taken, in order.
  void ExpectTheRestInOrder(int count) {
    receiver.on_datagram = nullptr;
    ASSERT_TRUE(socket_->StartReceiving(&receiver).ok());
    ASSERT_TRUE(loop_.RunUntil(
        [this, count] {
          return receiver.received.size() >= static_cast<size_t>(count);
        },
        absl::Seconds(5)));
    EXPECT_EQ(receiver.received, Range(0, count));
    socket_->StopReceiving();
  }
  static std::vector<int> Range(int first, int end) {
    std::vector<int> range;
    for (int i = first; i < end; ++i)
      range.push_back(i);
    return range;
  }

  CountingReceiver receiver;
};

TEST_F(UvDatagramSocketReceiveTest, OneIterationReadsPastLibuvsBatch) {
  QueueDatagrams(0, 200);
  ASSERT_TRUE(socket_->StartReceiving(&receiver).ok());
  RunOneIteration();
  // libuv's own reading stops at 40 (two reads of 20); the reader's at 256.
  EXPECT_EQ(receiver.received, Range(0, 200));
  socket_->StopReceiving();
}

TEST_F(UvDatagramSocketReceiveTest, ReadingOnTakesNoMoreThanTheBudget) {
  QueueDatagrams(0, 200);
  receiver.budget = 90;
  receiver.on_datagram = [this] {
    if (receiver.budget == 0)
      socket_->StopReceiving();  // As the receive flow does at no credit.
  };
  ASSERT_TRUE(socket_->StartReceiving(&receiver).ok());
  RunOneIteration();
  EXPECT_EQ(receiver.received, Range(0, 90));
  // What it did not take is still in the kernel, in order.
  receiver.budget = 1000;
  ExpectTheRestInOrder(200);
}

TEST_F(UvDatagramSocketReceiveTest, AStopWhileReadingOnLosesNothing) {
  QueueDatagrams(0, 200);
  // Datagram 50 is in the third read of 20.
  receiver.on_datagram = [this] {
    if (receiver.received.back() == 50)
      socket_->StopReceiving();
  };
  ASSERT_TRUE(socket_->StartReceiving(&receiver).ok());
  RunOneIteration();
  // The rest of that read (51-59) was already out of the kernel: it comes
  // before the stop.
  EXPECT_EQ(receiver.received, Range(0, 60));
  ExpectTheRestInOrder(200);
}

TEST_F(UvDatagramSocketReceiveTest, ACoalescedRunComesOutAsItsDatagrams) {
  ASSERT_TRUE(socket_->reader().gro()) << "this kernel has no UDP_GRO";
  sockaddr_storage address;
  ASSERT_TRUE(socket_->GetLocalAddress(&address).ok());
  // One send of five datagrams cut at 1000 bytes (the last one shorter),
  // which loopback delivers whole to a socket that takes GRO.
  std::string run;
  for (int i = 0; i < 5; ++i) {
    std::string text = absl::StrCat(i);
    text.resize(i < 4 ? 1000 : 300, ' ');
    run += text;
  }
  const int segment = 1000;
  ASSERT_EQ(setsockopt(receiver_, SOL_UDP, 103 /* UDP_SEGMENT */, &segment,
                       sizeof(segment)),
            0);
  ASSERT_EQ(
      sendto(receiver_, run.data(), run.size(), 0,
             reinterpret_cast<const sockaddr*>(&address), sizeof(sockaddr_in)),
      static_cast<ssize_t>(run.size()));
  ASSERT_TRUE(socket_->StartReceiving(&receiver).ok());
  ASSERT_TRUE(loop_.RunUntil([this] { return receiver.received.size() >= 5; },
                             absl::Seconds(5)));
  EXPECT_EQ(receiver.received, Range(0, 5));
  EXPECT_EQ(receiver.lengths,
            (std::vector<size_t>{1000, 1000, 1000, 1000, 300}));
  EXPECT_EQ(socket_->reader().coalesced_messages(), 1u);
  socket_->StopReceiving();
}

}  // namespace
}  // namespace network_service
