#include "renderer/udp_readable_stream.h"

#include <utility>

namespace renderer {

UDPReadableStream::UDPReadableStream(Source* source) : source_(source) {}

UDPReadableStream::~UDPReadableStream() = default;

void UDPReadableStream::Start() {
  Pull();
}

Promise<ReadResult> UDPReadableStream::Read() {
  if (state_ == State::kErrored) {
    return Promise<ReadResult>::Rejected(*error_);
  }
  if (!queue_.empty()) {
    ReadResult result{std::move(queue_.front()), false};
    queue_.pop_front();
    Pull();
    return Promise<ReadResult>::Resolved(std::move(result));
  }
  if (state_ == State::kClosed) {
    return Promise<ReadResult>::Resolved(ReadResult{std::nullopt, true});
  }
  Promise<ReadResult> promise;
  pending_reads_.push_back(promise);
  Pull();
  return promise;
}

std::optional<UDPMessage> UDPReadableStream::TakeQueued() {
  if (state_ == State::kErrored || queue_.empty())
    return std::nullopt;
  std::optional<UDPMessage> message(std::move(queue_.front()));
  queue_.pop_front();
  Pull();
  return message;
}

Promise<Undefined> UDPReadableStream::Cancel() {
  if (state_ == State::kErrored)
    return Promise<Undefined>::Rejected(*error_);
  if (state_ == State::kClosed)
    return Promise<Undefined>::Resolved({});
  state_ = State::kClosed;
  queue_.clear();
  std::deque<Promise<ReadResult>> reads = std::move(pending_reads_);
  for (auto& read : reads)
    read.Resolve(ReadResult{std::nullopt, true});
  if (source_ != nullptr)
    source_->OnReadableClosed();
  return Promise<Undefined>::Resolved({});
}

void UDPReadableStream::Enqueue(UDPMessage message) {
  if (outstanding_credit_ > 0)
    --outstanding_credit_;
  if (state_ != State::kReadable)
    return;
  if (!pending_reads_.empty()) {
    Promise<ReadResult> read = std::move(pending_reads_.front());
    pending_reads_.pop_front();
    read.Resolve(ReadResult{std::move(message), false});
  } else {
    queue_.push_back(std::move(message));
  }
  Pull();
}

void UDPReadableStream::Error(ScriptError error) {
  if (state_ != State::kReadable)
    return;
  state_ = State::kErrored;
  error_ = error;
  queue_.clear();
  std::deque<Promise<ReadResult>> reads = std::move(pending_reads_);
  for (auto& read : reads)
    read.Reject(error);
}

void UDPReadableStream::Detach() {
  source_ = nullptr;
}

void UDPReadableStream::Pull() {
  if (state_ != State::kReadable || source_ == nullptr)
    return;
  // Desired size: the high-water mark less what is queued or on its way.
  const int64_t desired = int64_t{kHighWaterMark} -
                          static_cast<int64_t>(queue_.size()) -
                          outstanding_credit_;
  // Top up in chunks, not one credit message per datagram read.
  if (desired >= kHighWaterMark / 4) {
    outstanding_credit_ += static_cast<uint32_t>(desired);
    source_->ReceiveMore(static_cast<uint32_t>(desired));
  }
}

}  // namespace renderer
