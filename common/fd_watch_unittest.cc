#include "common/fd_watch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace common {
namespace {

TEST(FdWatchTest, RunsWhileOpenAndClosesTheDescriptorAfterLibuv) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair), 0);
  int events = 0;
  auto watch = std::make_unique<FdWatch>(
      &loop, pair[0], UV_READABLE, [&](int status, int ready) {
        EXPECT_EQ(status, 0);
        EXPECT_TRUE(ready & UV_READABLE);
        char byte;
        while (recv(pair[0], &byte, 1, MSG_DONTWAIT) > 0) {
        }
        ++events;
      });
  // The watch does not keep the loop alive: this handle does, so that
  // uv_run polls.
  uv_async_t alive;
  uv_async_init(&loop, &alive, nullptr);
  ASSERT_EQ(send(pair[1], "x", 1, 0), 1);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(events, 1);
  EXPECT_EQ(watch->fd(), pair[0]);

  // Closed and destroyed at once: no more events; the descriptor goes
  // when libuv lets go of it.
  watch->Close();
  EXPECT_TRUE(watch->closed());
  watch.reset();
  ASSERT_EQ(send(pair[1], "y", 1, 0), 1);
  EXPECT_NE(fcntl(pair[0], F_GETFD), -1) << "closed before libuv let go";
  uv_close(reinterpret_cast<uv_handle_t*>(&alive), nullptr);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(events, 1);
  EXPECT_EQ(fcntl(pair[0], F_GETFD), -1) << "the descriptor is still open";
  EXPECT_EQ(uv_loop_close(&loop), 0);
  close(pair[1]);
}

TEST(FdWatchTest, StoppedItMissesNothingOnceResumed) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair), 0);
  int events = 0;
  FdWatch watch(&loop, pair[0], UV_READABLE, [&](int, int) {
    char byte;
    while (recv(pair[0], &byte, 1, MSG_DONTWAIT) > 0) {
    }
    ++events;
  });
  uv_async_t alive;
  uv_async_init(&loop, &alive, nullptr);
  watch.Stop();
  ASSERT_EQ(send(pair[1], "x", 1, 0), 1);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(events, 0) << "an event while stopped";
  // What came meanwhile is still there, and seen at once.
  watch.Resume(UV_READABLE);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(events, 1);
  watch.Close();
  uv_close(reinterpret_cast<uv_handle_t*>(&alive), nullptr);
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
  close(pair[1]);
}

}  // namespace
}  // namespace common
