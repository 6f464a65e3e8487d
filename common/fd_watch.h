#ifndef COMMON_FD_WATCH_H_
#define COMMON_FD_WATCH_H_

#include <uv.h>

#include "absl/functional/any_invocable.h"

namespace common {

// A descriptor that a loop watches (uv_poll) and owns: `on_event` runs on
// the loop each time the descriptor is ready, until Close(). The watch does
// not keep its loop alive. libuv is done with a poll handle only in its
// close callback, so the handle and the descriptor live in a state that the
// callback frees: the FdWatch itself may be destroyed right after Close().
// Loop thread only; the destructor closes it.
class FdWatch {
 public:
  // `status` is libuv's (< 0: the descriptor failed); `events` are the
  // UV_READABLE/UV_WRITABLE/UV_DISCONNECT that are ready.
  using EventHandler = absl::AnyInvocable<void(int status, int events)>;

  // Takes ownership of `fd` and watches it for `events`.
  FdWatch(uv_loop_t* loop, int fd, int events, EventHandler on_event);
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;
  ~FdWatch();

  int fd() const;
  bool closed() const { return state_ == nullptr; }
  // Stops watching now (no more events) and closes the descriptor once
  // libuv has let go of it. Later calls do nothing.
  void Close();
  // Stops the events and keeps the descriptor until Close().
  void Stop();
  // After Stop(): watches for `events` again, with the same handler.
  void Resume(int events);
  // Drops the handler without touching libuv, for an owner that is going
  // away off its loop (a bug it reports): the handle and the descriptor
  // are left to the process's end.
  void Abandon();

 private:
  struct State;
  static void OnPoll(uv_poll_t* handle, int status, int ready);
  State* state_;  // Freed by the handle's close callback.
};

}  // namespace common

#endif  // COMMON_FD_WATCH_H_
