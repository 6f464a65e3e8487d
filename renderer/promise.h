#ifndef RENDERER_PROMISE_H_
#define RENDERER_PROMISE_H_

#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "common/event_loop.h"
#include "renderer/script_error.h"

namespace renderer {

// What a Promise<Undefined> resolves with.
struct Undefined {};

// A promise as the web has them, for the renderer's C++ API: settled once,
// fulfilled with a T or rejected with a ScriptError. Copies share one state.
// Used on the renderer's loop thread only. Callbacks given to Then() run as
// microtasks of that thread's EventLoop, never inside Then() or the call
// that settles, as in JS: so a reader that reads again from its callback
// does not grow the stack. (On a thread with no EventLoop, as in loop-less
// unit tests, they run at once.)
template <typename T>
class Promise {
 public:
  using Result = std::variant<T, ScriptError>;
  using Callback = absl::AnyInvocable<void(const Result&)>;

  Promise() : state_(std::make_shared<State>()) {}

  static Promise Resolved(T value) {
    Promise promise;
    promise.Resolve(std::move(value));
    return promise;
  }
  static Promise Rejected(ScriptError error) {
    Promise promise;
    promise.Reject(std::move(error));
    return promise;
  }

  // Settles the promise; later calls are ignored, as in JS.
  void Resolve(T value) const { Settle(Result(std::move(value))); }
  void Reject(ScriptError error) const { Settle(Result(std::move(error))); }

  bool is_settled() const { return state_->result.has_value(); }
  bool is_fulfilled() const {
    return is_settled() && std::holds_alternative<T>(*state_->result);
  }
  bool is_rejected() const { return is_settled() && !is_fulfilled(); }
  // Preconditions: is_fulfilled() / is_rejected().
  const T& value() const { return std::get<T>(*state_->result); }
  const ScriptError& error() const {
    return std::get<ScriptError>(*state_->result);
  }

  void Then(Callback callback) const {
    if (is_settled()) {
      RunSoon(state_, std::move(callback));
      return;
    }
    state_->callbacks.push_back(std::move(callback));
  }

 private:
  struct State {
    std::optional<Result> result;
    std::vector<Callback> callbacks;
  };

  void Settle(Result result) const {
    if (is_settled())
      return;
    state_->result = std::move(result);
    std::vector<Callback> callbacks = std::move(state_->callbacks);
    for (Callback& callback : callbacks)
      RunSoon(state_, std::move(callback));
  }

  static void RunSoon(std::shared_ptr<State> state, Callback callback) {
    common::EventLoop* loop = common::EventLoop::Current();
    if (loop == nullptr) {
      callback(*state->result);
      return;
    }
    loop->QueueMicrotask(
        [state = std::move(state), callback = std::move(callback)]() mutable {
          callback(*state->result);
        });
  }

  std::shared_ptr<State> state_;
};

}  // namespace renderer

#endif  // RENDERER_PROMISE_H_
