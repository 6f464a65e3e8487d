#include "renderer/promise.h"

#include <gtest/gtest.h>

namespace renderer {
namespace {

TEST(PromiseTest, SettlesOnceAndRunsCallbacksInOrder) {
  Promise<int> promise;
  std::vector<int> seen;
  promise.Then([&](const Promise<int>::Result& r) {
    seen.push_back(std::get<int>(r));
  });
  promise.Then([&](const Promise<int>::Result& r) {
    seen.push_back(std::get<int>(r) + 1);
  });
  promise.Resolve(7);
  promise.Resolve(9);  // Ignored.
  promise.Reject(ScriptError::TypeError("late"));  // Ignored.
  EXPECT_EQ(seen, (std::vector<int>{7, 8}));
  EXPECT_TRUE(promise.is_fulfilled());
  EXPECT_EQ(promise.value(), 7);
}

TEST(PromiseTest, ThenAfterSettlementRunsAtOnce) {
  auto promise = Promise<Undefined>::Rejected(
      ScriptError::DomException("NetworkError", "gone"));
  bool ran = false;
  promise.Then([&](const Promise<Undefined>::Result& r) {
    ran = true;
    EXPECT_EQ(std::get<ScriptError>(r).name(), "NetworkError");
  });
  EXPECT_TRUE(ran);
  EXPECT_EQ(promise.error().ToString(), "NetworkError: gone");
}

TEST(ScriptErrorTest, MapsStatusCodesToWebErrors) {
  EXPECT_EQ(ScriptError::FromStatus(absl::InvalidArgumentError("x")).name(),
            "TypeError");
  EXPECT_EQ(
      ScriptError::FromStatus(absl::FailedPreconditionError("x")).name(),
      "InvalidStateError");
  EXPECT_EQ(ScriptError::FromStatus(absl::PermissionDeniedError("x")).name(),
            "NotAllowedError");
  EXPECT_EQ(ScriptError::FromStatus(absl::AbortedError("x")).name(),
            "AbortError");
  EXPECT_EQ(ScriptError::FromStatus(absl::UnavailableError("x")).name(),
            "NetworkError");
  EXPECT_EQ(ScriptError::FromStatus(absl::NotFoundError("no host")).message(),
            "no host");
}

}  // namespace
}  // namespace renderer
