#ifndef COMMON_EVENT_LOOP_H_
#define COMMON_EVENT_LOOP_H_

#include <uv.h>

#include <deque>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace common {

// The one libuv loop of a process. Whatever state the process has (sockets,
// streams, promises) belongs to the thread that runs this loop; other threads
// (gRPC's) only hand work to it with PostTask(). Owned by the process's main
// object; PostTask() is safe from any thread, everything else is for the loop
// thread only.
class EventLoop {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  // Closes the loop's own handles. Handles made by others must be closed
  // before this runs.
  ~EventLoop();

  uv_loop_t* uv_loop() { return &loop_; }

  // The loop made on this thread, or null.
  static EventLoop* Current();

  // Loop thread: runs `task` soon, after the current callback and before
  // the loop waits again, like a JS microtask; tasks queued by such a task
  // run in the same checkpoint. Keeps deep promise chains off the stack.
  void QueueMicrotask(Task task);

  // Runs `task` on the loop thread, after tasks posted before it. Tasks
  // posted after Shutdown() are dropped (their captures are destroyed on the
  // posting thread) and PostTask returns false.
  bool PostTask(Task task);

  // Runs the loop until Quit() or until no handle is left.
  void Run();
  // Makes Run() return once the current callback finishes.
  void Quit();

  // Runs the loop until `done()` is true or `timeout` passes; returns
  // done(). done() is checked after each loop event, and also every
  // `recheck_every` when it watches state outside this process (kernel
  // tables) that no loop event announces. For tests and for programs that
  // wait on one result; never nest.
  bool RunUntil(absl::AnyInvocable<bool()> done,
                absl::Duration timeout,
                absl::Duration recheck_every = absl::InfiniteDuration());

  // Stops accepting tasks; pending ones are dropped.
  void Shutdown();

 private:
  static void OnWakeUp(uv_async_t* handle);
  static void OnIdle(uv_idle_t* handle);
  void RunPostedTasks();
  void RunMicrotasks();

  uv_loop_t loop_;
  uv_async_t wake_up_;
  uv_idle_t microtask_checkpoint_;  // Active while microtasks wait.
  std::deque<Task> microtasks_;     // Loop thread only.
  bool quit_ = false;

  absl::Mutex mutex_;
  std::deque<Task> tasks_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace common

#endif  // COMMON_EVENT_LOOP_H_
