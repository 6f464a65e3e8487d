#include "common/event_loop.h"
#include "common/logging.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace common {
namespace {
thread_local EventLoop* current_loop = nullptr;
}  // namespace

EventLoop* EventLoop::Current() {
  return current_loop;
}

EventLoop::EventLoop() {
  if (uv_loop_init(&loop_) != 0 ||
      uv_async_init(&loop_, &wake_up_, &EventLoop::OnWakeUp) != 0) {
    LOG(FATAL) << "libuv could not start a loop";
  }
  wake_up_.data = this;
  // The wake-up handle alone must not keep Run() alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(&wake_up_));
  uv_idle_init(&loop_, &microtask_checkpoint_);
  microtask_checkpoint_.data = this;
  if (current_loop == nullptr)
    current_loop = this;
}

EventLoop::~EventLoop() {
  Shutdown();
  RunMicrotasks();
  if (current_loop == this)
    current_loop = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_up_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&microtask_checkpoint_), nullptr);
  // Let close callbacks of every handle run.
  while (uv_run(&loop_, UV_RUN_NOWAIT) != 0) {
  }
  if (uv_loop_close(&loop_) != 0) {
    uv_walk(
        &loop_,
        [](uv_handle_t* handle, void*) {
          LOG(ERROR) << "a libuv handle (" << uv_handle_type_name(handle->type)
                     << ") is still open as its loop ends";
        },
        nullptr);
  }
}

bool EventLoop::PostTask(Task task) {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_)
      return false;
    tasks_.push_back(std::move(task));
  }
  uv_async_send(&wake_up_);
  return true;
}

void EventLoop::QueueMicrotask(Task task) {
  microtasks_.push_back(std::move(task));
  // An active idle handle makes the loop poll without waiting.
  if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&microtask_checkpoint_))) {
    uv_idle_start(&microtask_checkpoint_, &EventLoop::OnIdle);
  }
}

void EventLoop::OnIdle(uv_idle_t* handle) {
  static_cast<EventLoop*>(handle->data)->RunMicrotasks();
}

void EventLoop::RunMicrotasks() {
  while (!microtasks_.empty()) {
    Task task = std::move(microtasks_.front());
    microtasks_.pop_front();
    std::move(task)();
  }
  uv_idle_stop(&microtask_checkpoint_);
}

void EventLoop::Shutdown() {
  std::deque<Task> dropped;
  absl::MutexLock lock(&mutex_);
  shut_down_ = true;
  dropped.swap(tasks_);
}

void EventLoop::Run() {
  quit_ = false;
  // Posted tasks keep the loop alive through the ref'd async only while
  // someone waits in Run(); ref it for the duration.
  uv_ref(reinterpret_cast<uv_handle_t*>(&wake_up_));
  while (!quit_ && uv_run(&loop_, UV_RUN_ONCE) != 0) {
  }
  uv_unref(reinterpret_cast<uv_handle_t*>(&wake_up_));
}

void EventLoop::Quit() {
  quit_ = true;
  uv_stop(&loop_);
}

bool EventLoop::RunUntil(absl::AnyInvocable<bool()> done,
                         absl::Duration timeout,
                         absl::Duration recheck_every) {
  RunPostedTasks();
  if (done())
    return true;
  // Timers count from the loop's cached time, stale if it has not run.
  uv_update_time(&loop_);
  uv_timer_t recheck;
  uv_timer_init(&loop_, &recheck);
  if (recheck_every != absl::InfiniteDuration()) {
    const auto every = static_cast<uint64_t>(
        std::max<int64_t>(1, absl::ToInt64Milliseconds(recheck_every)));
    // uv_stop makes the poll of this iteration return at once, so done()
    // is checked again even when the timer ran before the poll.
    uv_timer_start(
        &recheck, [](uv_timer_t* t) { uv_stop(t->loop); }, every, every);
  }
  uv_timer_t timer;
  uv_timer_init(&loop_, &timer);
  bool timed_out = false;
  timer.data = &timed_out;
  uv_timer_start(
      &timer,
      [](uv_timer_t* t) {
        *static_cast<bool*>(t->data) = true;
        uv_stop(t->loop);
      },
      static_cast<uint64_t>(absl::ToInt64Milliseconds(timeout)) + 1, 0);
  uv_ref(reinterpret_cast<uv_handle_t*>(&wake_up_));
  while (!timed_out && !done()) {
    uv_run(&loop_, UV_RUN_ONCE);
  }
  uv_unref(reinterpret_cast<uv_handle_t*>(&wake_up_));
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&recheck), nullptr);
  uv_run(&loop_, UV_RUN_NOWAIT);  // Runs the timers' close callbacks.
  return done();
}

void EventLoop::OnWakeUp(uv_async_t* handle) {
  static_cast<EventLoop*>(handle->data)->RunPostedTasks();
}

void EventLoop::RunPostedTasks() {
  std::deque<Task> batch;
  {
    absl::MutexLock lock(&mutex_);
    batch.swap(tasks_);
  }
  for (Task& task : batch)
    std::move(task)();
  RunMicrotasks();
}

}  // namespace common
