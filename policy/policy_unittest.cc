#include <gtest/gtest.h>

#include "policy/policy.h"
#include "policy/policy_loader.h"

namespace policy {
namespace {

using common::IpAddress;
using common::SocketMembership;

constexpr char kApp[] = "isolated-app://app1";

Policy Build(const std::string& json, std::vector<std::string>* errors) {
  PolicyBuilder builder;
  builder.AddJson("test.json", json, errors);
  return builder.Build(errors);
}

void ExpectError(const std::string& json, const std::string& words) {
  std::vector<std::string> errors;
  Build(json, &errors);
  ASSERT_FALSE(errors.empty()) << json;
  bool found = false;
  for (const auto& error : errors)
    found |= error.find(words) != std::string::npos;
  EXPECT_TRUE(found) << "no error says \"" << words << "\"; got: " << errors[0];
}

SocketMembership Asm(const char* group) {
  return {*IpAddress::Parse(group), std::nullopt};
}

constexpr char kRule[] = R"({"DirectSocketsMulticastRules": [{
  "origins": ["isolated-app://app1"],
  "receive_groups": ["239.10.0.0/16", "224.0.0.0/24"],
  "send_groups": ["239.10.0.0/16"],
  "ssm_sources": ["10.0.0.0/24"],
  "ports": ["5004", "6000-6010"],
  "max_ttl": 4,
  "allow_address_sharing": true}]})";

TEST(PolicyTest, TheExamplesAreValid) {
  std::vector<std::string> errors;
  Policy policy = LoadPolicyDirectory("policy/examples", &errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_TRUE(policy.managed());
  EXPECT_TRUE(policy.Multicast("isolated-app://sender").allowed);
  EXPECT_FALSE(policy.DirectSockets("isolated-app://other").allowed);
}

TEST(PolicyTest, UnmanagedDeviceRefusesMulticastAndFollowsChrome) {
  std::vector<std::string> errors;
  Policy policy = LoadPolicyDirectory("/nonexistent/dir", &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(policy.managed());
  Decision multicast = policy.Multicast(kApp);
  EXPECT_FALSE(multicast.allowed);
  EXPECT_NE(multicast.reason.find("not managed"), std::string::npos);
  EXPECT_TRUE(policy.DirectSockets(kApp).allowed);  // Chrome's default.
}

TEST(PolicyTest, ContentSettingsAsChromeEvaluatesThem) {
  std::vector<std::string> errors;
  Policy policy = Build(R"({"DefaultDirectSocketsSetting": 2,
      "DirectSocketsAllowedForUrls": ["isolated-app://app1"],
      "DirectSocketsBlockedForUrls": ["isolated-app://app2"],
      "DefaultDirectSocketsPrivateNetworkAccessSetting": 1,
      "DirectSocketsPrivateNetworkAccessBlockedForUrls": ["isolated-app://*"]})",
                        &errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  EXPECT_TRUE(policy.DirectSockets(kApp).allowed);
  Decision blocked = policy.DirectSockets("isolated-app://app2");
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.policy, "DirectSocketsBlockedForUrls");
  Decision by_default = policy.DirectSockets("isolated-app://app3");
  EXPECT_FALSE(by_default.allowed);
  EXPECT_EQ(by_default.policy, "DefaultDirectSocketsSetting");
  EXPECT_FALSE(policy.PrivateNetworkAccess(kApp).allowed);
}

TEST(PolicyTest, MulticastRuleKeys) {
  std::vector<std::string> errors;
  Policy policy = Build(kRule, &errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  // Groups, ports, sources.
  EXPECT_TRUE(policy.Join(kApp, Asm("239.10.1.1"), 5004).allowed);
  Decision outside = policy.Join(kApp, Asm("239.9.9.9"), 5004);
  EXPECT_FALSE(outside.allowed);
  EXPECT_EQ(outside.policy, "DirectSocketsMulticastRules[0].receive_groups");
  EXPECT_NE(outside.reason.find("239.9.9.9 is outside the groups allowed for "
                                "isolated-app://app1"),
            std::string::npos)
      << outside.reason;
  EXPECT_FALSE(policy.Join(kApp, Asm("239.10.1.1"), 5005).allowed);
  EXPECT_TRUE(policy.Join(kApp, Asm("239.10.1.1"), 6010).allowed);
  SocketMembership ssm{*IpAddress::Parse("239.10.5.5"),
                       *IpAddress::Parse("10.0.0.9")};
  EXPECT_TRUE(policy.Join(kApp, ssm, 5004).allowed);
  ssm.source = *IpAddress::Parse("10.0.1.9");
  EXPECT_EQ(policy.Join(kApp, ssm, 5004).policy,
            "DirectSocketsMulticastRules[0].ssm_sources");
  // Discovery groups: not inside a wide range.
  Decision mdns = policy.Join(kApp, Asm("224.0.0.251"), 5004);
  EXPECT_FALSE(mdns.allowed);
  // The reason says how to grant it.
  EXPECT_NE(mdns.reason.find("224.0.0.251 is a discovery group (mDNS/SSDP), "
                             "which only a rule listing it exactly "
                             "(224.0.0.251/32) allows; none does for "),
            std::string::npos)
      << mdns.reason;
  // Sending: groups and TTL.
  EXPECT_TRUE(policy.Send(kApp, *IpAddress::Parse("239.10.0.1"), 5004, 4, true)
                  .allowed);
  EXPECT_EQ(
      policy.Send(kApp, *IpAddress::Parse("239.10.0.1"), 5004, 5, true).policy,
      "DirectSocketsMulticastRules[0].max_ttl");
  EXPECT_FALSE(policy.Send(kApp, *IpAddress::Parse("239.11.0.1"), 5004, 1, true)
                   .allowed);
  // Opening: sharing allowed here, loopback by default.
  EXPECT_TRUE(policy.OpenMulticast(kApp, 5004, 1, true, true).allowed);
  // Another app: no rule.
  Decision other = policy.Multicast("isolated-app://app2");
  EXPECT_FALSE(other.allowed);
  EXPECT_NE(other.reason.find("no rule names isolated-app://app2"),
            std::string::npos);
}

TEST(PolicyTest, DiscoveryGroupsWhenListedExactly) {
  std::vector<std::string> errors;
  Policy policy = Build(R"({"DirectSocketsMulticastRules": [{
      "origins": ["isolated-app://app1"],
      "receive_groups": ["224.0.0.251/32", "ff02::fb"],
      "ports": ["5353"]}]})",
                        &errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  EXPECT_TRUE(policy.Join(kApp, Asm("224.0.0.251"), 5353).allowed);
  EXPECT_TRUE(policy.Join(kApp, Asm("ff02::fb"), 5353).allowed);
}

TEST(PolicyTest, AnotherChromePolicyIsIgnoredWithAWarning) {
  std::vector<std::string> errors, warnings;
  PolicyBuilder builder;
  builder.AddJson("test.json",
                  R"({"HomepageLocation": "https://example.com/",
                      "DefaultDirectSocketsSetting": 2})",
                  &errors, &warnings);
  Policy policy = builder.Build(&errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("test.json: HomepageLocation: not a policy"),
            std::string::npos);
  // The file's own policy still applies: the device stays managed.
  EXPECT_TRUE(policy.managed());
  EXPECT_FALSE(policy.DirectSockets(kApp).allowed);
}

TEST(PolicyTest, MalformedFilesSayWhereAndWhat) {
  ExpectError("{", "test.json:1:2: not valid JSON: ");
  ExpectError(R"({"DefaultDirectSocketsSetting": "yes"})",
              "test.json: DefaultDirectSocketsSetting: expected a whole "
              "number, got a string (\"yes\")");
  ExpectError(R"({"DefaultDirectSocketsSetting": 3})",
              "test.json: DefaultDirectSocketsSetting: expected 1 (allow) or "
              "2 (block), got 3");
  ExpectError(R"({"DirectSocketsAllowedForUrls": ["*"]})",
              "test.json: DirectSocketsAllowedForUrls[0]: a bare \"*\" is not "
              "accepted");
  ExpectError(R"({"DirectSocketsAllowedForUrls": ["https://example.com"]})",
              "DirectSocketsAllowedForUrls[0]: origin \"https://example.com\" "
              "does not start with isolated-app://");
  ExpectError(R"({"DirectSocketsAllowedForUrls": ["isolated-app://a"],
                  "DirectSocketsBlockedForUrls": ["isolated-app://a"]})",
              "conflict: isolated-app://a is in DirectSocketsAllowedForUrls "
              "(test.json) and in DirectSocketsBlockedForUrls (test.json)");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
                  "receive_groups": ["239.1.2.3/16"]}]})",
      "DirectSocketsMulticastRules[0].receive_groups[0]: "
      "\"239.1.2.3/16\" is not a CIDR");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
                  "receive_groups": ["10.0.0.0/8"]}]})",
      "is not a multicast range");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
                  "ssm_sources": ["239.0.0.0/8"]}]})",
      "ssm_sources[0]: \"239.0.0.0/8\" is a multicast range");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
                  "ports": ["80"]}]})",
      "ports[0]: \"80\" is not a port or range of 1024..65535");
  ExpectError(R"({"DirectSocketsMulticastRules": [{"origins": []}]})",
              "DirectSocketsMulticastRules[0].origins: lists no app");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
                  "max_ttl": 300}]})",
      "max_ttl: expected 0..255, got 300");
  ExpectError(
      R"({"DirectSocketsMulticastRules": [{"origin": ["isolated-app://a"]}]})",
      "DirectSocketsMulticastRules[0].origin: not a key of this object");
}

// "isolated-app://*" matches isolated apps only: never a caller no host
// vouched for (the service's listening socket names those
// "(no app: listening socket)"), nor another scheme.
TEST(OriginMatchesTest, TheWildcardMatchesIsolatedAppsOnly) {
  EXPECT_TRUE(OriginMatches("isolated-app://*", "isolated-app://abc"));
  EXPECT_TRUE(OriginMatches("isolated-app://abc", "isolated-app://abc"));
  EXPECT_FALSE(OriginMatches("isolated-app://*", "(no app: listening socket)"));
  EXPECT_FALSE(OriginMatches("isolated-app://*", "https://example.com"));
  EXPECT_FALSE(OriginMatches("isolated-app://*", "isolated-app://"));
  EXPECT_FALSE(OriginMatches("isolated-app://*", ""));
}

}  // namespace
}  // namespace policy
