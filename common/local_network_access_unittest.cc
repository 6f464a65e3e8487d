#include "common/local_network_access.h"

#include <gtest/gtest.h>

namespace common {
namespace {

AddressSpace SpaceOf(const char* text) {
  return AddressSpaceOf(*IpAddress::Parse(text));
}

TEST(LocalNetworkAccessTest, AddressSpacesAsChromeReadsThem) {
  for (const char* text : {"127.0.0.1", "127.9.9.9", "0.0.0.0", "::1",
                           "::", "::ffff:127.0.0.1", "127.1"}) {
    EXPECT_EQ(SpaceOf(text), AddressSpace::kLoopback) << text;
  }
  for (const char* text :
       {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.0.5", "100.64.0.1", "fd00::1", "fc00::1", "fe80::1",
        "::ffff:10.1.2.3", "0xa.1"}) {
    EXPECT_EQ(SpaceOf(text), AddressSpace::kLocal) << text;
  }
  for (const char* text :
       {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:db8::1",
        "239.1.1.1", "ff02::fb"}) {
    EXPECT_EQ(SpaceOf(text), AddressSpace::kPublic) << text;
  }
}

TEST(LocalNetworkAccessTest, TheOlderNameGrantsBothLocalFeatures) {
  const std::set<std::string> old_name = {kDirectSockets,
                                          kDirectSocketsPrivate};
  EXPECT_TRUE(HasFeature(old_name, kLocalNetwork));
  EXPECT_TRUE(HasFeature(old_name, kLoopbackNetwork));
  EXPECT_FALSE(HasFeature(old_name, kDirectSocketsMulticast));
  const std::set<std::string> local_only = {kDirectSockets, kLocalNetwork};
  EXPECT_TRUE(HasFeature(local_only, kLocalNetwork));
  EXPECT_FALSE(HasFeature(local_only, kLoopbackNetwork));
  EXPECT_STREQ(FeatureToReach(*IpAddress::Parse("127.0.0.1")),
               kLoopbackNetwork);
  EXPECT_STREQ(FeatureToReach(*IpAddress::Parse("10.0.0.1")), kLocalNetwork);
  EXPECT_EQ(FeatureToReach(*IpAddress::Parse("203.0.113.9")), nullptr);
}

}  // namespace
}  // namespace common
