#include "common/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace common {
namespace {

TEST(EventLoopTest, RunsTasksPostedFromOtherThreadsInOrder) {
  EventLoop loop;
  std::vector<int> seen;
  std::thread poster([&loop, &seen] {
    for (int i = 0; i < 100; ++i) {
      loop.PostTask([&seen, i] { seen.push_back(i); });
    }
  });
  EXPECT_TRUE(
      loop.RunUntil([&] { return seen.size() == 100; }, absl::Seconds(5)));
  poster.join();
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(seen[i], i);
}

TEST(EventLoopTest, RunUntilGivesUpAtItsBound) {
  EventLoop loop;
  EXPECT_FALSE(loop.RunUntil([] { return false; }, absl::Milliseconds(20)));
}

TEST(EventLoopTest, DropsTasksAfterShutdown) {
  EventLoop loop;
  loop.Shutdown();
  bool ran = false;
  loop.PostTask([&ran] { ran = true; });
  loop.RunUntil([] { return false; }, absl::Milliseconds(10));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace common
