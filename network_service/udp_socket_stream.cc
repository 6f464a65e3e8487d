#include "network_service/udp_socket_stream.h"

#include <utility>

namespace network_service {

namespace v1 = ::direct_sockets::v1;

UDPSocketStream::UDPSocketStream() = default;
UDPSocketStream::~UDPSocketStream() = default;

void UDPSocketStream::Start(std::string peer,
                            RequestHandler on_request,
                            EndHandler on_end,
                            absl::AnyInvocable<void()> on_drained) {
  peer_ = std::move(peer);
  on_request_ = std::move(on_request);
  on_end_ = std::move(on_end);
  {
    absl::MutexLock lock(&mutex_);
    on_drained_ = std::move(on_drained);
  }
  self_ = shared_from_this();
  StartRead(&request_);
}

void UDPSocketStream::ReadNext() {
  {
    absl::MutexLock lock(&mutex_);
    if (ended_ || finish_started_ || finish_status_)
      return;
    if (outbox_bytes_ > kPauseBytes) {
      // The renderer is not reading what we send: stop reading what it
      // sends until it does (OnWriteDone resumes).
      read_deferred_ = true;
      return;
    }
  }
  StartRead(&request_);
}

void UDPSocketStream::Write(v1::UDPSocketEvent event) {
  {
    absl::MutexLock lock(&mutex_);
    if (finish_status_ || broken_)
      return;
    outbox_bytes_ += event.ByteSizeLong();
    if (outbox_bytes_ > kPauseBytes)
      paused_above_limit_ = true;
    outbox_.push_back(std::move(event));
  }
  Pump();
}

void UDPSocketStream::FinishWhenWritten(grpc::Status status) {
  {
    absl::MutexLock lock(&mutex_);
    if (finish_status_)
      return;
    finish_status_ = std::move(status);
  }
  Pump();
}

size_t UDPSocketStream::OutboxBytes() const {
  absl::MutexLock lock(&mutex_);
  return outbox_bytes_;
}

std::string UDPSocketStream::peer() const {
  return peer_;
}

void UDPSocketStream::Pump() {
  enum { kNothing, kWrite, kFinish } action = kNothing;
  grpc::Status status;
  {
    absl::MutexLock lock(&mutex_);
    if (write_in_flight_ || finish_started_)
      return;
    if (!outbox_.empty() && !broken_) {
      writing_ = std::move(outbox_.front());
      outbox_.pop_front();
      write_in_flight_ = true;
      action = kWrite;
    } else if (finish_status_) {
      finish_started_ = true;
      status = *finish_status_;
      action = kFinish;
    }
  }
  // gRPC may not run the reaction inline, but calling out without our lock
  // keeps that from mattering.
  if (action == kWrite) {
    StartWrite(&writing_);
  } else if (action == kFinish) {
    ServerBidiReactor::Finish(status);
  }
}

void UDPSocketStream::OnReadDone(bool ok) {
  if (ok) {
    on_request_(std::move(request_));
    request_.Clear();
    return;
  }
  // The renderer half-closed, went away, or the call was cancelled.
  bool run_end = false;
  {
    absl::MutexLock lock(&mutex_);
    run_end = !ended_;
    ended_ = true;
  }
  if (run_end)
    on_end_();
}

void UDPSocketStream::OnWriteDone(bool ok) {
  bool resume_read = false;
  {
    absl::MutexLock lock(&mutex_);
    write_in_flight_ = false;
    const size_t written = writing_.ByteSizeLong();
    outbox_bytes_ = written > outbox_bytes_ ? 0 : outbox_bytes_ - written;
    if (!ok) {
      // The stream is gone; nothing more can be written.
      broken_ = true;
      outbox_.clear();
      outbox_bytes_ = 0;
    }
    if (paused_above_limit_ && outbox_bytes_ < kResumeBytes) {
      paused_above_limit_ = false;
      if (on_drained_)
        on_drained_();
    }
    // A broken stream must still read, to learn that it ended.
    if (read_deferred_ && (broken_ || outbox_bytes_ < kResumeBytes) &&
        !ended_ && !finish_status_) {
      read_deferred_ = false;
      resume_read = true;
    }
  }
  if (resume_read)
    StartRead(&request_);
  Pump();
}

void UDPSocketStream::OnCancel() {
  // The renderer went away (or the call was cancelled). Report it now, not
  // when a read fails: the host may be holding a request back (a send
  // waiting for the rate) with no read in flight, and what it holds must
  // go with the renderer. A read in flight fails too; ended_ keeps the
  // report to one.
  bool run_end = false;
  {
    absl::MutexLock lock(&mutex_);
    read_deferred_ = false;
    run_end = !ended_;
    ended_ = true;
  }
  if (run_end)
    on_end_();
}

void UDPSocketStream::OnDone() {
  bool run_end = false;
  {
    absl::MutexLock lock(&mutex_);
    run_end = !ended_;
    ended_ = true;
    on_drained_ = nullptr;
  }
  if (run_end)
    on_end_();
  on_request_ = nullptr;
  on_end_ = nullptr;
  self_.reset();  // May delete this; nothing may follow.
}

}  // namespace network_service
