#include "network_service/app_registry.h"

#include <gtest/gtest.h>

#include "common/app_origin.h"

namespace network_service {
namespace {

TEST(AppRegistryTest, OriginsComeFromTheBoundChannelOnly) {
  AppRegistry apps;
  apps.BindChannel(7, {"isolated-app://aaaa", {"direct-sockets"}});
  EXPECT_EQ(apps.AppOfPeer("fd:7").origin, "isolated-app://aaaa");
  EXPECT_EQ(apps.AppOfPeer("fd:8").origin, AppRegistry::kUnboundOrigin);
  EXPECT_EQ(apps.AppOfPeer("unix:/run/x").origin, AppRegistry::kUnboundOrigin);
  apps.BindChannel(7, {"isolated-app://bbbb", {}});  // Descriptor reused.
  EXPECT_EQ(apps.AppOfPeer("fd:7").origin, "isolated-app://bbbb");
  EXPECT_FALSE(apps.AppOfPeer("fd:7").has("direct-sockets"));
  EXPECT_TRUE(apps.AppOfPeer("unix:x").has("direct-sockets-multicast"));
}

TEST(AppRegistryTest, CapsArePerApp) {
  AppRegistry apps;
  for (size_t i = 0; i < AppRegistry::kMaxSocketsPerApp; ++i)
    ASSERT_TRUE(apps.AcquireSocket("isolated-app://a").ok());
  absl::Status full = apps.AcquireSocket("isolated-app://a");
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(full.message().find("isolated-app://a already has 64 sockets"),
            absl::string_view::npos);
  EXPECT_TRUE(apps.AcquireSocket("isolated-app://b").ok());
  apps.ReleaseSocket("isolated-app://a");
  EXPECT_TRUE(apps.AcquireSocket("isolated-app://a").ok());
  for (size_t i = 0; i < AppRegistry::kMaxMembershipsPerApp; ++i)
    ASSERT_TRUE(apps.AcquireMembership("isolated-app://a").ok());
  EXPECT_FALSE(apps.AcquireMembership("isolated-app://a").ok());
}

TEST(CheckIsolatedAppOriginTest, AcceptsOnlyIsolatedAppOrigins) {
  using common::CheckIsolatedAppOrigin;
  EXPECT_TRUE(CheckIsolatedAppOrigin(
                  "isolated-app://"
                  "aerugqztij5biqquuk3mfwpsaibuegaqcitgfchwuosuofdjabzqaaic")
                  .ok());
  EXPECT_FALSE(CheckIsolatedAppOrigin("https://example.com").ok());
  EXPECT_FALSE(CheckIsolatedAppOrigin("isolated-app://").ok());
  EXPECT_FALSE(CheckIsolatedAppOrigin("isolated-app://ABC").ok());
  EXPECT_FALSE(CheckIsolatedAppOrigin("isolated-app://a/b").ok());
}

}  // namespace
}  // namespace network_service
