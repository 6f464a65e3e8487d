#include "host/app_manifest.h"

#include <gtest/gtest.h>

namespace host {
namespace {

void ExpectError(const std::string& text, const std::string& words) {
  auto manifest = ParseAppManifest(text, "apps.json", "/etc/apps");
  ASSERT_FALSE(manifest.ok()) << text;
  EXPECT_NE(manifest.status().message().find(words), std::string::npos)
      << manifest.status().message();
  EXPECT_NE(manifest.status().message().find("apps.json: "), std::string::npos);
}

TEST(AppManifestTest, ReadsAppsAndResolvesRelativePrograms) {
  auto manifest = ParseAppManifest(
      R"({"apps": [{"origin": "isolated-app://abc123",
                    "command": ["bin/app", "--flag"]},
                   {"origin": "isolated-app://def",
                    "command": ["/usr/bin/app2"]}]})",
      "apps.json", "/etc/apps");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ASSERT_EQ(manifest->apps.size(), 2u);
  EXPECT_EQ(manifest->apps[0].origin, "isolated-app://abc123");
  EXPECT_EQ(manifest->apps[0].command,
            (std::vector<std::string>{"/etc/apps/bin/app", "--flag"}));
  EXPECT_EQ(manifest->apps[1].command[0], "/usr/bin/app2");
}

TEST(AppManifestTest, Permissions) {
  auto manifest = ParseAppManifest(
      R"({"apps": [{"origin": "isolated-app://a", "command": ["/x"],
                    "permissions": ["direct-sockets"]},
                   {"origin": "isolated-app://b", "command": ["/y"]}]})",
      "apps.json", "/");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->apps[0].permissions,
            std::vector<std::string>{"direct-sockets"});
  EXPECT_EQ(manifest->apps[1].permissions, AppManifest::AllPermissions());
  ExpectError(R"({"apps": [{"origin": "isolated-app://a", "command": ["/x"],
                            "permissions": ["camera"]}]})",
              "apps[0].permissions[0]: expected \"direct-sockets\"");
}

TEST(AppManifestTest, ErrorsNameTheKeyPath) {
  ExpectError("{", "not valid JSON");
  ExpectError("[]", "expected an object");
  ExpectError(R"({"apps": []})", "apps: lists no app");
  ExpectError(R"({"apps": [], "extra": 1})", "extra: unknown key");
  ExpectError(R"({"apps": [{"command": ["x"]}]})", "apps[0].origin");
  ExpectError(R"({"apps": [{"origin": "https://x", "command": ["x"]}]})",
              "apps[0].origin: origin \"https://x\" does not start with "
              "isolated-app://");
  ExpectError(R"({"apps": [{"origin": "isolated-app://a", "command": []}]})",
              "apps[0].command: expected a non-empty array");
  ExpectError(R"({"apps": [{"origin": "isolated-app://a", "command": [1]}]})",
              "apps[0].command[0]: expected a string");
  ExpectError(R"({"apps": [{"origin": "isolated-app://a", "command": ["x"]},
                           {"origin": "isolated-app://a", "command": ["y"]}]})",
              "apps[1].origin: listed twice");
  ExpectError(R"({"apps": [{"origin": "isolated-app://a", "command": ["x"],
                            "run": 1}]})",
              "apps[0].run: unknown key");
}

}  // namespace
}  // namespace host
