#include "common/fd_watch.h"

#include <unistd.h>

#include <utility>

namespace common {

struct FdWatch::State {
  uv_poll_t poll;
  int fd;
  EventHandler on_event;  // Empty once closed.
};

FdWatch::FdWatch(uv_loop_t* loop, int fd, int events, EventHandler on_event)
    : state_(new State{{}, fd, std::move(on_event)}) {
  uv_poll_init(loop, &state_->poll, fd);
  state_->poll.data = state_;
  uv_poll_start(&state_->poll, events, &FdWatch::OnPoll);
  uv_unref(reinterpret_cast<uv_handle_t*>(&state_->poll));
}

void FdWatch::OnPoll(uv_poll_t* handle, int status, int ready) {
  auto* state = static_cast<State*>(handle->data);
  if (state->on_event)
    state->on_event(status, ready);
}

FdWatch::~FdWatch() {
  Close();
}

int FdWatch::fd() const {
  return state_ == nullptr ? -1 : state_->fd;
}

void FdWatch::Stop() {
  if (state_ != nullptr)
    uv_poll_stop(&state_->poll);
}

void FdWatch::Resume(int events) {
  if (state_ != nullptr)
    uv_poll_start(&state_->poll, events, &FdWatch::OnPoll);
}

void FdWatch::Abandon() {
  if (state_ != nullptr)
    state_->on_event = nullptr;
  state_ = nullptr;
}

void FdWatch::Close() {
  if (state_ == nullptr)
    return;
  // The handler may be what is closing us: it is dropped after its call
  // returns, with the state.
  uv_close(reinterpret_cast<uv_handle_t*>(&state_->poll),
           [](uv_handle_t* handle) {
             auto* state = static_cast<State*>(handle->data);
             close(state->fd);
             delete state;
           });
  state_ = nullptr;
}

}  // namespace common
