#include "renderer/promise.h"

#include <gtest/gtest.h>

#include <functional>

namespace renderer {
namespace {

TEST(PromiseTest, SettlesOnceAndRunsCallbacksInOrder) {
  common::EventLoop loop;
  Promise<int> promise;
  std::vector<int> seen;
  promise.Then(
      [&](const Promise<int>::Result& r) { seen.push_back(std::get<int>(r)); });
  promise.Then([&](const Promise<int>::Result& r) {
    seen.push_back(std::get<int>(r) + 1);
  });
  promise.Resolve(7);
  promise.Resolve(9);                              // Ignored.
  promise.Reject(ScriptError::TypeError("late"));  // Ignored.
  EXPECT_TRUE(seen.empty()) << "callbacks run as microtasks, not inline";
  loop.RunUntil([&] { return seen.size() == 2; }, absl::Seconds(1));
  EXPECT_EQ(seen, (std::vector<int>{7, 8}));
  EXPECT_TRUE(promise.is_fulfilled());
  EXPECT_EQ(promise.value(), 7);
}

TEST(PromiseTest, ThenAfterSettlementRunsAsAMicrotask) {
  common::EventLoop loop;
  auto promise = Promise<Undefined>::Rejected(
      ScriptError::DomException("NetworkError", "gone"));
  bool ran = false;
  promise.Then([&](const Promise<Undefined>::Result& r) {
    ran = true;
    EXPECT_EQ(std::get<ScriptError>(r).name(), "NetworkError");
  });
  EXPECT_FALSE(ran);
  loop.RunUntil([&] { return ran; }, absl::Seconds(1));
  EXPECT_TRUE(ran);
  EXPECT_EQ(promise.error().ToString(), "NetworkError: gone");
}

TEST(PromiseTest, LongChainsDoNotGrowTheStack) {
  common::EventLoop loop;
  int count = 0;
  std::function<void()> next = [&] {
    Promise<int>::Resolved(count).Then([&](const Promise<int>::Result&) {
      if (++count < 1000000)
        next();
    });
  };
  next();
  EXPECT_TRUE(
      loop.RunUntil([&] { return count == 1000000; }, absl::Seconds(30)));
}

TEST(ScriptErrorTest, MapsStatusCodesToWebErrors) {
  EXPECT_EQ(ScriptError::FromStatus(absl::InvalidArgumentError("x")).name(),
            "TypeError");
  EXPECT_EQ(ScriptError::FromStatus(absl::FailedPreconditionError("x")).name(),
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
