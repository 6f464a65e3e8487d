#include "common/ip_address.h"

#include <gtest/gtest.h>

namespace common {
namespace {

TEST(IpAddressTest, ParsesLiteralsOfBothFamilies) {
  auto v4 = IpAddress::Parse("192.0.2.7");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->is_ipv4());
  EXPECT_EQ(v4->ToString(), "192.0.2.7");

  auto v6 = IpAddress::Parse("2001:DB8:0:0::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->is_ipv6());
  EXPECT_EQ(v6->ToString(), "2001:db8::1");  // Canonical form.
}

TEST(IpAddressTest, RefusesWhatIsNotANumericLiteral) {
  for (const char* text :
       {"", "localhost", "127.1", "1.2.3.256", "[::1]", "fe80::1%eth0",
        " 1.2.3.4", "1.2.3.4 ", "::1::2", "1.2.3.4.5"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
  EXPECT_FALSE(IpAddress::Parse(absl::string_view("1.2.3.4\0x", 9)));
}

TEST(IpAddressTest, Classifies) {
  EXPECT_TRUE(IpAddress::Parse("0.0.0.0")->IsUnspecified());
  EXPECT_TRUE(IpAddress::Parse("::")->IsUnspecified());
  EXPECT_FALSE(IpAddress::Parse("::1")->IsUnspecified());
  EXPECT_TRUE(IpAddress::Parse("239.1.2.3")->IsMulticast());
  EXPECT_TRUE(IpAddress::Parse("224.0.0.0")->IsMulticast());
  EXPECT_FALSE(IpAddress::Parse("240.0.0.1")->IsMulticast());
  EXPECT_TRUE(IpAddress::Parse("ff02::fb")->IsMulticast());
  EXPECT_TRUE(IpAddress::Parse("127.4.5.6")->IsLoopback());
  EXPECT_TRUE(IpAddress::Parse("::1")->IsLoopback());
  EXPECT_TRUE(IpAddress::Parse("::ffff:10.0.0.1")->IsIpv4Mapped());
}

TEST(IpAddressTest, RoundTripsThroughSockaddr) {
  sockaddr_storage storage;
  auto v6 = IpAddress::Parse("fd00::5");
  socklen_t length = v6->ToSockaddr(4242, &storage);
  EXPECT_EQ(length, sizeof(sockaddr_in6));
  const auto* addr = reinterpret_cast<const sockaddr*>(&storage);
  EXPECT_EQ(SockaddrPort(addr), 4242);
  EXPECT_EQ(IpAddress::FromSockaddr(addr), *v6);
}

}  // namespace
}  // namespace common
