#include "common/socket_membership.h"

#include <gtest/gtest.h>

namespace common {
namespace {

void ExpectRefused(absl::string_view group,
                   std::optional<std::string> source,
                   absl::string_view words) {
  auto result = ParseSocketMembership(group, source);
  ASSERT_FALSE(result.ok()) << group;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find(words), absl::string_view::npos)
      << result.status().message();
}

TEST(ParseSocketMembershipTest, AcceptsAsmAndSsmOfBothVersions) {
  auto asm4 = ParseSocketMembership("239.1.1.1", std::nullopt);
  ASSERT_TRUE(asm4.ok());
  EXPECT_FALSE(asm4->is_source_specific());
  EXPECT_EQ(asm4->ToString(), "239.1.1.1");

  auto ssm4 = ParseSocketMembership("232.1.1.1", "192.0.2.100");
  ASSERT_TRUE(ssm4.ok());
  EXPECT_EQ(ssm4->ToString(), "232.1.1.1 from 192.0.2.100");

  auto ssm6 = ParseSocketMembership("FF3E::1234", "fd77::1");
  ASSERT_TRUE(ssm6.ok());
  EXPECT_EQ(ssm6->ToString(), "ff3e::1234 from fd77::1");
  // ASM inside the SSM ranges is allowed, as the kernel allows it.
  EXPECT_TRUE(ParseSocketMembership("232.9.9.9", std::nullopt).ok());
  EXPECT_TRUE(ParseSocketMembership("ff3e::1", std::nullopt).ok());
  // A sender on this machine is a source, as Chrome allows.
  EXPECT_TRUE(ParseSocketMembership("232.1.1.1", "127.0.0.1").ok());
  EXPECT_TRUE(ParseSocketMembership("ff3e::1", "::1").ok());
}

TEST(ParseSocketMembershipTest, RefusesBadGroups) {
  ExpectRefused("", std::nullopt, "groupAddress is empty");
  ExpectRefused("mdns.local", std::nullopt, "not an IP address literal");
  ExpectRefused("ff02::fb%eth0", std::nullopt, "zone ids are not supported");
  ExpectRefused("10.0.0.1", std::nullopt, "10.0.0.1 is not a multicast");
  ExpectRefused("fe80::1", std::nullopt, "not a multicast");
  ExpectRefused("::ffff:239.1.1.1", std::nullopt, "IPv4-mapped");
}

TEST(ParseSocketMembershipTest, RefusesBadSources) {
  ExpectRefused("232.1.1.1", "", "sourceAddress is empty");
  ExpectRefused("232.1.1.1", "sender.local", "not an IP address literal");
  ExpectRefused("232.1.1.1", "239.0.0.1", "is a multicast address");
  ExpectRefused("232.1.1.1", "0.0.0.0", "unspecified");
  ExpectRefused("ff3e::1", "::", "unspecified");
  ExpectRefused("ff3e::1", "::ffff:10.0.0.9", "IPv4-mapped");
  ExpectRefused("232.1.1.1", "fd77::1", "same version");
  ExpectRefused("ff3e::1", "10.0.0.9", "same version");
}

TEST(CheckGroupFitsSocketTest, FamiliesOfGroupAndSocket) {
  auto v4 = *ParseSocketMembership("239.1.1.1", std::nullopt);
  auto v6 = *ParseSocketMembership("ff0e::1", std::nullopt);
  const MulticastSocketFamily ipv4{false, false};
  const MulticastSocketFamily dual{true, true};
  const MulticastSocketFamily ipv6_only{true, false};
  EXPECT_TRUE(CheckGroupFitsSocket(v4, ipv4).ok());
  EXPECT_TRUE(CheckGroupFitsSocket(v4, dual).ok());
  EXPECT_TRUE(CheckGroupFitsSocket(v6, dual).ok());
  EXPECT_TRUE(CheckGroupFitsSocket(v6, ipv6_only).ok());
  EXPECT_EQ(CheckGroupFitsSocket(v6, ipv4).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckGroupFitsSocket(v4, ipv6_only).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace common
