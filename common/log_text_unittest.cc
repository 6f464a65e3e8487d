#include "common/log_text.h"

#include <gtest/gtest.h>

#include <string>

namespace common {
namespace {

TEST(LogSafeTest, KeepsPlainTextAsItIs) {
  EXPECT_EQ(LogSafe("239.1.2.3"), "239.1.2.3");
  EXPECT_EQ(LogSafe("ff02::1%eth0"), "ff02::1%eth0");
}

TEST(LogSafeTest, EscapesWhatCouldBreakALine) {
  EXPECT_EQ(LogSafe("a\nb"), "a\\x0ab");
  EXPECT_EQ(LogSafe(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(LogSafe("caf\xe9"), "caf\\xe9");  // Latin-1, not UTF-8.
  EXPECT_EQ(LogSafe("\"quoted\\\""), "\\x22quoted\\x5c\\x22");
  EXPECT_EQ(LogSafe("\x1b[31mred"), "\\x1b[31mred");
}

TEST(LogSafeTest, CutsLongTextAndSaysHowMuch) {
  const std::string huge(1 << 20, 'g');
  const std::string safe = LogSafe(huge);
  EXPECT_EQ(safe, std::string(kMaxQuotedBytes, 'g') + "...(+1048448 bytes)");
  EXPECT_EQ(LogSafe("abcdef", 3), "abc...(+3 bytes)");
}

}  // namespace
}  // namespace common
