#include "common/host_contract.h"

#include <gtest/gtest.h>

namespace common {
namespace {

TEST(HostContractTest, AGrantRoundTrips) {
  const AppGrant grant{"isolated-app://abc",
                       {"direct-sockets", "local-network"}};
  const std::string text = EncodeGrant(grant);
  EXPECT_EQ(text, "isolated-app://abc\ndirect-sockets,local-network");
  absl::StatusOr<AppGrant> decoded = DecodeGrant(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->origin, grant.origin);
  EXPECT_EQ(decoded->features, grant.features);
  // No features at all is a grant of none.
  decoded = DecodeGrant("isolated-app://abc");
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->features.empty());
}

TEST(HostContractTest, ABadGrantIsRefused) {
  EXPECT_FALSE(DecodeGrant("").ok());
  EXPECT_FALSE(DecodeGrant("https://example.com\ndirect-sockets").ok());
  absl::StatusOr<AppGrant> unknown =
      DecodeGrant("isolated-app://abc\ndirect-sockets,root");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("\"root\""), std::string::npos);
}

TEST(HostContractTest, FeatureListsAreCommaSeparated) {
  EXPECT_EQ(ParseFeatureList("a,,b,a"), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(FeatureList({"b", "a"}), "a,b");
}

}  // namespace
}  // namespace common
