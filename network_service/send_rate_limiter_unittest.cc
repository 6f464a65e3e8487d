#include "network_service/send_rate_limiter.h"

#include <gtest/gtest.h>

namespace network_service {
namespace {

// Sends as fast as the limiter lets one sender over `ms` of simulated time;
// returns how many datagrams of `bytes` went.
int SendFor(SendRateLimiter& limiter,
            const SendRateLimiter::Rate& rate,
            size_t bytes,
            uint64_t start_ms,
            uint64_t ms) {
  int sent = 0;
  uint64_t now = start_ms;
  while (now < start_ms + ms) {
    const uint64_t wait = limiter.TryTake(rate, bytes, now);
    if (wait == 0) {
      ++sent;
    } else {
      now += wait;
    }
  }
  return sent;
}

TEST(SendRateLimiterTest, StartsEmpty) {
  SendRateLimiter limiter(1000);
  const SendRateLimiter::Rate rate{10, 0};
  EXPECT_EQ(limiter.TryTake(rate, 100, 1000), 100u);  // One tenth of a second.
  EXPECT_EQ(limiter.TryTake(rate, 100, 1100), 0u);
  EXPECT_GT(limiter.TryTake(rate, 100, 1100), 0u);
}

TEST(SendRateLimiterTest, HoldsTheDatagramRateOverSeconds) {
  SendRateLimiter limiter(0);
  const int sent = SendFor(limiter, {20, 0}, 64, 0, 2000);
  EXPECT_GE(sent, 39);
  EXPECT_LE(sent, 40);
}

TEST(SendRateLimiterTest, HoldsTheByteRateWhateverTheDatagramSize) {
  SendRateLimiter limiter(0);
  // 107 kB in 2 s at most, in 2.5 kB datagrams: 42 or 43 of them.
  const int sent = SendFor(limiter, {0, 53500}, 2500, 0, 2000);
  EXPECT_GE(sent, 41);
  EXPECT_LE(sent, 43);
}

TEST(SendRateLimiterTest, IdleTimeSavesAtMostATenthOfASecond) {
  SendRateLimiter limiter(0);
  const SendRateLimiter::Rate rate{100, 0};
  // An hour idle, then a burst: ten datagrams, not 360,000.
  int burst = 0;
  while (limiter.TryTake(rate, 1, 3'600'000) == 0)
    ++burst;
  EXPECT_EQ(burst, 10);
}

TEST(SendRateLimiterTest, NoLimitTakesEverything) {
  SendRateLimiter limiter(0);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(limiter.TryTake({}, 65507, 0), 0u);
}

TEST(SendRateLimiterTest, ALargerDatagramThanTheByteRateStillGoesInTime) {
  SendRateLimiter limiter(0);
  // 1000 B/s and a 65,507-byte datagram: it waits its 65.5 s, not forever.
  const uint64_t wait = limiter.TryTake({0, 1000}, 65507, 0);
  EXPECT_GE(wait, 65507u);
  EXPECT_LE(wait, 65508u);
  EXPECT_EQ(limiter.TryTake({0, 1000}, 65507, wait), 0u);
}

}  // namespace
}  // namespace network_service
