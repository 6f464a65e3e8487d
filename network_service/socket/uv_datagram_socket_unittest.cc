// The real socket layer's segmented send (UDP GSO) on loopback: a run of
// datagrams goes in one send and arrives as those datagrams, in order and
// intact; what the kernel could not cut that way is refused (0), for Send()
// to carry one by one.
#include "network_service/socket/uv_datagram_socket.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/event_loop.h"
#include "common/ip_address.h"
#include "gtest/gtest.h"

namespace network_service {
namespace {

using ::common::IpAddress;

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

}  // namespace
}  // namespace network_service
