#include "common/logging.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace common {
namespace {

TEST(LoggingTest, ALineNamesProgramLevelTimeAndSource) {
  InitLogging("unit", 0);
  ::testing::internal::CaptureStderr();
  LOG(WARNING) << "policy " << 42;
  const std::string line = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(
      line,
      std::regex("unit: W \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
                 "logging_unittest\\.cc:\\d+\\] policy 42\n")))
      << line;
}

TEST(LoggingTest, VerboseLinesNeedTheVerbosity) {
  InitLogging("unit", 1);
  int evaluated = 0;
  ::testing::internal::CaptureStderr();
  VLOG(2) << "hidden " << ++evaluated;
  VLOG(1) << "shown";
  const std::string lines = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(evaluated, 0) << "a hidden line's arguments were evaluated";
  EXPECT_EQ(lines.find("hidden"), std::string::npos);
  EXPECT_NE(lines.find("unit: V1 "), std::string::npos) << lines;
  InitLogging("unit", 0);
}

TEST(LoggingTest, AFailedCheckAbortsWithItsText) {
  int holdings = 1;
  CHECK(holdings == 1) << "never printed";
  EXPECT_DEATH(CHECK(holdings == 0) << "holdings " << holdings,
               "F .*Check failed: holdings == 0\\. holdings 1");
}

}  // namespace
}  // namespace common
