#include "tools/dsock/command_line.h"

#include <gtest/gtest.h>

#include "absl/flags/flag.h"

ABSL_FLAG(int, test_port, 0, "A port.");
ABSL_FLAG(bool, test_share, false, "Share.");
ABSL_FLAG(std::string, test_group, "", "A group.");

namespace dsock {
namespace {

TEST(CommandLineTest, ParsesBothFormsAndDashes) {
  CommandLine line({"test_port", "test_share", "test_group"});
  ASSERT_TRUE(line.Parse({"--test-port", "5000", "--test_share",
                          "--test-group=239.1.1.1"})
                  .ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_port), 5000);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_share));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_group), "239.1.1.1");
  EXPECT_TRUE(line.Given("test_port"));
  EXPECT_FALSE(line.help());
}

TEST(CommandLineTest, UsageErrorsAreValues) {
  CommandLine line({"test_port"});
  auto unknown = line.Parse({"--test-share"});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown option --test-share"),
            std::string::npos);
  auto bad = line.Parse({"--test-port=abc"});
  EXPECT_NE(bad.message().find("--test-port=abc"), std::string::npos);
  auto missing = line.Parse({"--test-port"});
  EXPECT_NE(missing.message().find("needs a value"), std::string::npos);
  auto stray = line.Parse({"stray"});
  EXPECT_NE(stray.message().find("unexpected argument"), std::string::npos);
}

TEST(CommandLineTest, HelpIsNoted) {
  CommandLine line({"test_port"});
  ASSERT_TRUE(line.Parse({"--help"}).ok());
  EXPECT_TRUE(line.help());
  EXPECT_NE(line.FlagHelp().find("--test-port"), std::string::npos);
}

}  // namespace
}  // namespace dsock
