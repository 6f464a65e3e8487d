#include "common/ip_address.h"

#include <gtest/gtest.h>

#include <utility>

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
  for (const char* text : {"",
                           "localhost",
                           "1.2.3.256",
                           "[::1]",
                           "fe80::1%eth0",
                           " 1.2.3.4",
                           "1.2.3.4 ",
                           "::1::2",
                           "1.2.3.4.5",
                           "1..2.3",
                           ".1.2.3",
                           "08.1.1.1",
                           "0x1g.1.1.1",
                           "4294967296",
                           "1.16777216",
                           "256.1.1.1",
                           "example.com",
                           "239.1.1.x",
                           "1.2.3.4..",
                           "0xef.1.1.1.example"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
  EXPECT_FALSE(IpAddress::Parse(absl::string_view("1.2.3.4\0x", 9)));
}

// Chromium reads IPv4 literals as the URL Standard's host parser does; so
// must both our processes, or the policy checks one address and the kernel
// gets another (a resolver reads "239.11.1" as 239.11.0.1 too).
TEST(IpAddressTest, ReadsIpv4AsTheUrlHostParserDoes) {
  const std::pair<const char*, const char*> cases[] = {
      {"239.1.1", "239.1.0.1"},
      {"239.1", "239.0.0.1"},
      {"0xef.1.1.1", "239.1.1.1"},
      {"0357.1.1.1", "239.1.1.1"},
      {"4009820417", "239.1.1.1"},
      {"239.077.0.1", "239.63.0.1"},
      {"4026531834", "239.255.255.250"},
      {"0xef0a0102", "239.10.1.2"},
      {"224.0.251", "224.0.0.251"},
      {"0357.0.0.1", "239.0.0.1"},
      {"1.2.3.4.", "1.2.3.4"},
      {"0X7F.1", "127.0.0.1"},
      {"0x", "0.0.0.0"},
      {"00", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"4294967295", "255.255.255.255"},
  };
  for (const auto& [text, expected] : cases) {
    std::optional<IpAddress> address = IpAddress::Parse(text);
    ASSERT_TRUE(address.has_value()) << text;
    EXPECT_TRUE(address->is_ipv4()) << text;
    EXPECT_EQ(address->ToString(), expected) << text;
  }
}

TEST(IpAddressTest, TellsNumericHostsFromNames) {
  for (const char* text : {"1.2.3.4.5", "example.0x10", "a.b.08", "10", "1."})
    EXPECT_TRUE(EndsInANumber(text)) << text;
  for (const char* text : {"example.com", "host-1", "1.2.3.x", "", "0xg"})
    EXPECT_FALSE(EndsInANumber(text)) << text;
}

TEST(IpAddressTest, ReadsIpv4MappedAsIpv4) {
  std::optional<IpAddress> mapped = IpAddress::Parse("::ffff:239.11.0.1");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_TRUE(mapped->is_ipv6());
  EXPECT_TRUE(mapped->IsMulticast());
  EXPECT_EQ(mapped->Unmapped(), *IpAddress::Parse("239.11.0.1"));
  EXPECT_EQ(mapped->Unmapped().Mapped(), *mapped);
  EXPECT_TRUE(IpAddress::Parse("::ffff:127.0.0.1")->IsLoopback());
  EXPECT_FALSE(IpAddress::Parse("::ffff:10.0.0.1")->IsMulticast());
  EXPECT_EQ(IpAddress::Parse("ff02::1")->Unmapped().ToString(), "ff02::1");
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

TEST(IpAddressTest, EndpointTextBracketsIpv6) {
  EXPECT_EQ(EndpointText(*IpAddress::Parse("192.0.2.1"), 5004),
            "192.0.2.1:5004");
  EXPECT_EQ(EndpointText(*IpAddress::Parse("fd00::1"), 5004), "[fd00::1]:5004");
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
