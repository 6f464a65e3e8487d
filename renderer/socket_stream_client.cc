#include "renderer/socket_stream_client.h"

#include <utility>

namespace renderer {

namespace v1 = ::direct_sockets::v1;

SocketStreamClient::SocketStreamClient(
    common::EventLoop* loop,
    EventHandler on_event,
    DoneHandler on_done,
    absl::AnyInvocable<void() &&> on_finished)
    : loop_(loop),
      on_event_(std::make_shared<EventHandler>(std::move(on_event))),
      on_done_(std::move(on_done)),
      on_finished_(std::move(on_finished)) {}

SocketStreamClient::~SocketStreamClient() = default;

std::shared_ptr<SocketStreamClient> SocketStreamClient::Start(
    v1::NetworkService::Stub* stub,
    common::EventLoop* loop,
    EventHandler on_event,
    DoneHandler on_done,
    absl::AnyInvocable<void() &&> on_finished) {
  std::shared_ptr<SocketStreamClient> client(new SocketStreamClient(
      loop, std::move(on_event), std::move(on_done), std::move(on_finished)));
  client->self_ = client;
  stub->async()->OpenUDPSocket(&client->context_, client.get());
  // Writes start from the loop thread, outside any reaction: the hold keeps
  // gRPC from finishing the call (OnDone) until the loop has seen the
  // stream end and will start no more (a write started after OnDone is a
  // use after free in gRPC's own threads).
  client->AddHold();
  client->StartRead(&client->event_);
  client->StartCall();
  return client;
}

void SocketStreamClient::Write(v1::UDPSocketRequest request) {
  {
    absl::MutexLock lock(&mutex_);
    if (writes_done_wanted_ || broken_)
      return;
    outbox_.push_back(std::move(request));
  }
  Pump();
}

void SocketStreamClient::WritesDone() {
  {
    absl::MutexLock lock(&mutex_);
    writes_done_wanted_ = true;
  }
  Pump();
}

void SocketStreamClient::Cancel() {
  context_.TryCancel();
}

void SocketStreamClient::StopWriting() {
  {
    absl::MutexLock lock(&mutex_);
    broken_ = true;
    outbox_.clear();
    if (hold_released_)
      return;
    hold_released_ = true;
  }
  RemoveHold();  // May run OnDone (and drop self_) on this thread.
}

void SocketStreamClient::Pump() {
  enum { kNothing, kWrite, kWritesDone } action = kNothing;
  {
    absl::MutexLock lock(&mutex_);
    if (write_in_flight_ || writes_done_started_ || broken_)
      return;
    if (!outbox_.empty()) {
      writing_ = std::move(outbox_.front());
      outbox_.pop_front();
      write_in_flight_ = true;
      action = kWrite;
    } else if (writes_done_wanted_) {
      writes_done_started_ = true;
      action = kWritesDone;
    }
  }
  if (action == kWrite) {
    StartWrite(&writing_);
  } else if (action == kWritesDone) {
    StartWritesDone();
  }
}

void SocketStreamClient::OnReadDone(bool ok) {
  if (!ok) {
    // The stream ended; no write starts from now on. The hold goes on the
    // loop, after any Pump() the loop is running; then OnDone follows.
    {
      absl::MutexLock lock(&mutex_);
      broken_ = true;
      outbox_.clear();
    }
    if (!loop_->PostTask([self = shared_from_this()] { self->StopWriting(); }))
      StopWriting();  // The loop is gone: nothing can start a write.
    return;
  }
  loop_->PostTask([handler = on_event_, event = std::move(event_)]() mutable {
    (*handler)(std::move(event));
  });
  event_.Clear();
  StartRead(&event_);
}

void SocketStreamClient::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mutex_);
    write_in_flight_ = false;
    if (!ok) {
      broken_ = true;  // The call is over; OnDone says why.
      outbox_.clear();
    }
  }
  Pump();
}

void SocketStreamClient::OnWritesDoneDone(bool) {}

void SocketStreamClient::OnDone(const grpc::Status& status) {
  loop_->PostTask([done = std::move(on_done_), status]() mutable {
    std::move(done)(status);
  });
  auto finished = std::move(on_finished_);
  // Keep the event handler alive for events still queued on the loop; drop
  // our own reference. May delete this.
  self_.reset();
  if (finished)
    std::move(finished)();
}

}  // namespace renderer
