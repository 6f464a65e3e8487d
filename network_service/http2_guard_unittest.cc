#include "network_service/http2_guard.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace network_service {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string Frame(uint8_t type,
                  uint8_t flags,
                  uint32_t stream,
                  const std::string& payload) {
  std::string frame;
  const uint32_t length = static_cast<uint32_t>(payload.size());
  frame.push_back(static_cast<char>(length >> 16));
  frame.push_back(static_cast<char>(length >> 8));
  frame.push_back(static_cast<char>(length));
  frame.push_back(static_cast<char>(type));
  frame.push_back(static_cast<char>(flags));
  frame.push_back(static_cast<char>(stream >> 24));
  frame.push_back(static_cast<char>(stream >> 16));
  frame.push_back(static_cast<char>(stream >> 8));
  frame.push_back(static_cast<char>(stream));
  return frame + payload;
}

// Reads exactly `size` bytes from `fd` (bounded); empty on EOF or timeout.
std::string ReadExactly(int fd, size_t size) {
  std::string out;
  while (out.size() < size) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0)
      return "";
    char buffer[65536];
    const ssize_t n =
        read(fd, buffer, std::min(sizeof(buffer), size - out.size()));
    if (n <= 0)
      return "";
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

// True once `fd` reads EOF or fails (bounded).
bool SeesEnd(int fd) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  char buffer[65536];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0)
      continue;
    if (read(fd, buffer, sizeof(buffer)) <= 0)
      return true;
  }
  return false;
}

class Http2GuardTest : public ::testing::Test {
 protected:
  void Start(Http2Guard::Limits limits = {}) {
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    renderer_ = pair[0];
    auto guard = Http2Guard::Start(
        pair[1], limits,
        [this](const std::string& why) {
          violation_ = why;
          violated_.Notify();
        },
        &grpc_);
    ASSERT_TRUE(guard.ok());
    guard_ = std::move(*guard);
  }
  void TearDown() override {
    guard_.reset();
    close(renderer_);
    close(grpc_);
  }
  bool Send(const std::string& bytes) {
    return send(renderer_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  int renderer_ = -1, grpc_ = -1;
  std::unique_ptr<Http2Guard> guard_;
  std::string violation_;
  absl::Notification violated_;
};

TEST_F(Http2GuardTest, ForwardsBothWaysUntouched) {
  Start();
  const std::string in = std::string(kPreface) + Frame(4, 0, 0, "") +
                         Frame(1, 4, 1, "headers") +
                         Frame(0, 1, 1, std::string(70000 % 16384, 'd'));
  ASSERT_TRUE(Send(in));
  EXPECT_EQ(ReadExactly(grpc_, in.size()), in);
  const std::string out = Frame(4, 0, 0, "") + Frame(1, 5, 1, "trailers");
  ASSERT_EQ(write(grpc_, out.data(), out.size()),
            static_cast<ssize_t>(out.size()));
  EXPECT_EQ(ReadExactly(renderer_, out.size()), out);
  EXPECT_FALSE(violated_.HasBeenNotified());
}

TEST_F(Http2GuardTest, StreamsTheServiceEndedDoNotCount) {
  Start({.max_open_streams = 4});
  ASSERT_TRUE(Send(kPreface));
  for (uint32_t stream = 1; stream < 40; stream += 2) {
    const std::string headers = Frame(1, 4, stream, "h");
    ASSERT_TRUE(Send(headers));
    ASSERT_EQ(
        ReadExactly(grpc_, (stream == 1 ? 24 : 0) + headers.size()).size(),
        (stream == 1 ? 24 : 0) + headers.size());
    // The service's trailers (or a RST_STREAM) end it.
    const std::string end = stream % 4 == 1 ? Frame(1, 5, stream, "t")
                                            : Frame(3, 0, stream, "0000");
    ASSERT_EQ(write(grpc_, end.data(), end.size()),
              static_cast<ssize_t>(end.size()));
    ASSERT_EQ(ReadExactly(renderer_, end.size()), end);
  }
  EXPECT_FALSE(violated_.HasBeenNotified());
}

TEST_F(Http2GuardTest, AStreamFloodClosesTheChannel) {
  Start({.max_open_streams = 4});
  std::string flood = kPreface;
  for (uint32_t stream = 1; stream < 20; stream += 2)
    flood += Frame(1, 4, stream, "h");
  Send(flood);
  ASSERT_TRUE(violated_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(violation_, "more than 4 streams open at once");
  EXPECT_TRUE(SeesEnd(renderer_));
  EXPECT_TRUE(SeesEnd(grpc_));
}

TEST_F(Http2GuardTest, AHeaderBlockThatNeverEndsClosesTheChannel) {
  Start();
  std::string flood = std::string(kPreface) + Frame(1, 0, 1, "h");
  for (int i = 0; i < 10; ++i)
    flood += Frame(9, 0, 1, std::string(8000, 'c'));
  Send(flood);
  ASSERT_TRUE(violated_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(violation_, "a header block of more than 16384 bytes");
  EXPECT_TRUE(SeesEnd(renderer_));
}

TEST_F(Http2GuardTest, PingAndSettingsFloodsCloseTheChannel) {
  Start({.max_pings = 10, .max_settings = 10});
  std::string flood = kPreface;
  for (int i = 0; i < 11; ++i)
    flood += Frame(6, 0, 0, "12345678");
  Send(flood);
  ASSERT_TRUE(violated_.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_EQ(violation_, "more than 10 PINGs");
}

TEST_F(Http2GuardTest, TheRenderersEndReachesGrpc) {
  Start();
  ASSERT_TRUE(Send(kPreface));
  ASSERT_EQ(ReadExactly(grpc_, 24).size(), 24u);
  shutdown(renderer_, SHUT_WR);
  EXPECT_TRUE(SeesEnd(grpc_));
  EXPECT_FALSE(violated_.HasBeenNotified());
}

}  // namespace
}  // namespace network_service
