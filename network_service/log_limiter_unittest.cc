#include "network_service/log_limiter.h"

#include <gtest/gtest.h>

namespace network_service {
namespace {

TEST(LogLimiterTest, FoldsLinesBeyondTheWindowAndCountsThem) {
  LogLimiter limiter(2, absl::Seconds(1));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  EXPECT_EQ(limiter.Admit("a", t0), 0u);
  EXPECT_EQ(limiter.Admit("a", t0), 0u);
  for (int i = 0; i < 1000; ++i)
    EXPECT_FALSE(limiter.Admit("a", t0 + absl::Milliseconds(i % 900)));
  // Another key has its own budget.
  EXPECT_EQ(limiter.Admit("b", t0), 0u);
  // The next window's first line carries the count.
  EXPECT_EQ(limiter.Admit("a", t0 + absl::Seconds(1)), 1000u);
  EXPECT_EQ(limiter.Admit("a", t0 + absl::Seconds(1)), 0u);
}

TEST(LogLimiterTest, FoldedLinesOfAQuietKeyAreReportedOnce) {
  LogLimiter limiter(1, absl::Seconds(1));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  limiter.Admit("a", t0);
  limiter.Admit("a", t0);
  limiter.Admit("a", t0);
  EXPECT_TRUE(limiter.TakeFolded(t0 + absl::Milliseconds(500)).empty());
  auto folded = limiter.TakeFolded(t0 + absl::Seconds(1));
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(folded[0].first, "a");
  EXPECT_EQ(folded[0].second, 2u);
  EXPECT_TRUE(limiter.TakeFolded(t0 + absl::Seconds(5)).empty());
  EXPECT_EQ(limiter.Admit("a", t0 + absl::Seconds(5)), 0u);
}

}  // namespace
}  // namespace network_service
