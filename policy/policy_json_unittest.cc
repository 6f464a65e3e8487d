#include "policy/policy_json.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Checked {
  std::optional<std::string> known;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

Checked Check(const std::string& text) {
  Checked checked;
  checked.known =
      CheckPolicyJson("f.json", text, &checked.errors, &checked.warnings);
  return checked;
}

// `text` has one error, which says each of `words`, and nothing comes
// through.
void ExpectOneError(const std::string& text,
                    std::initializer_list<std::string> words) {
  Checked checked = Check(text);
  EXPECT_FALSE(checked.known);
  ASSERT_EQ(checked.errors.size(), 1u) << text;
  for (const std::string& word : words)
    EXPECT_THAT(checked.errors[0], HasSubstr(word));
}

TEST(PolicyJsonTest, ASyntaxErrorNamesItsLineAndColumn) {
  ExpectOneError(
      "{\n  \"DefaultDirectSocketsSetting\": 2,\n"
      "  \"DirectSocketsAllowedForUrls\" [\"x\"]\n}\n",
      {"f.json:3:33: not valid JSON: ", "expected ':'"});
}

TEST(PolicyJsonTest, ATruncatedFileNamesWhereItEnds) {
  ExpectOneError("{\"DefaultDirectSocketsSetting\": 2,\n",
                 {"f.json:2:1: not valid JSON"});
}

TEST(PolicyJsonTest, ANumberTooLargeForJsonIsAnErrorNotAThrow) {
  // Found by policy_loader_fuzzer: nlohmann throws out_of_range for it.
  ExpectOneError("9e9999", {"f.json: not valid JSON: ", "number overflow"});
  ExpectOneError(R"({"DirectSocketsMulticastRules": [{"max_ttl": 1e999}]})",
                 {"number overflow"});
}

TEST(PolicyJsonTest, ADuplicateKeyNamesItsPath) {
  Checked checked = Check(R"({
    "DefaultDirectSocketsSetting": 2,
    "DirectSocketsMulticastRules": [
      {"origins": ["isolated-app://a"], "ports": ["1"]},
      {"origins": ["isolated-app://b"], "ports": ["1"], "ports": ["2"]}
    ],
    "DefaultDirectSocketsSetting": 1})");
  EXPECT_FALSE(checked.known);
  EXPECT_THAT(
      checked.errors,
      ElementsAre("f.json: DirectSocketsMulticastRules[1].ports: the key is "
                  "given twice in one object (keep one)",
                  "f.json: DefaultDirectSocketsSetting: the key is given "
                  "twice in one object (keep one)"));
}

TEST(PolicyJsonTest, AValueOfTheWrongTypeNamesItsKey) {
  Checked checked = Check(R"({
    "DefaultDirectSocketsSetting": "2",
    "DirectSocketsAllowedForUrls": "isolated-app://a",
    "DirectSocketsMulticastRules": [
      {"origins": ["isolated-app://a", 7], "max_ttl": -1,
       "allow_address_sharing": "yes", "max_memberships": 2.5}
    ]})");
  EXPECT_FALSE(checked.known);
  EXPECT_THAT(
      checked.errors,
      ElementsAre(
          "f.json: DefaultDirectSocketsSetting: expected a whole number, got "
          "a string (\"2\")",
          "f.json: DirectSocketsAllowedForUrls: expected a list [...], got a "
          "string (\"isolated-app://a\")",
          "f.json: DirectSocketsMulticastRules[0].origins[1]: expected a "
          "string, got a number (7)",
          "f.json: DirectSocketsMulticastRules[0].max_ttl: expected a whole "
          "number of 0 or more, got a number (-1)",
          "f.json: DirectSocketsMulticastRules[0].allow_address_sharing: "
          "expected true or false, got a string (\"yes\")",
          "f.json: DirectSocketsMulticastRules[0].max_memberships: expected a "
          "whole number of 0 or more, got a number (2.5)"));
}

TEST(PolicyJsonTest, AnotherChromePolicyIsIgnoredWithAWarning) {
  Checked checked = Check(R"({"HomepageLocation": "https://example.com/",
                              "DefaultDirectSocketsSetting": 2})");
  EXPECT_THAT(checked.errors, IsEmpty());
  ASSERT_EQ(checked.warnings.size(), 1u);
  EXPECT_THAT(checked.warnings[0],
              HasSubstr("f.json: HomepageLocation: not a policy this product "
                        "knows; ignored"));
  ASSERT_TRUE(checked.known);
  EXPECT_EQ(*checked.known, R"({"DefaultDirectSocketsSetting":2})");
}

TEST(PolicyJsonTest, AnUnknownKeyInsideARuleIsAnError) {
  // A misspelt limit must not leave the rule looser than its admin meant.
  ExpectOneError(R"({"DirectSocketsMulticastRules": [
      {"origins": ["isolated-app://a"], "max_tll": 1}]})",
                 {"f.json: DirectSocketsMulticastRules[0].max_tll: not a key "
                  "of this object (its keys: origins, ",
                  "max_ttl"});
}

TEST(PolicyJsonTest, AFileIsOneObject) {
  ExpectOneError("[1, 2]", {"a policy file is one JSON object"});
}

TEST(PolicyJsonTest, AGoodFileComesThroughWhole) {
  Checked checked = Check(R"({"DirectSocketsMulticastRules": [
      {"origins": ["isolated-app://a"], "ports": ["5004"], "max_ttl": 4,
       "allow_address_sharing": true}]})");
  EXPECT_THAT(checked.errors, IsEmpty());
  EXPECT_THAT(checked.warnings, IsEmpty());
  ASSERT_TRUE(checked.known);
  EXPECT_THAT(*checked.known, HasSubstr("\"max_ttl\":4"));
}

}  // namespace
}  // namespace policy
