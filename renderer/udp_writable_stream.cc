#include "renderer/udp_writable_stream.h"

#include <utility>

#include "common/socket_limits.h"

namespace renderer {

namespace v1 = ::direct_sockets::v1;

UDPWritableStream::UDPWritableStream(Sink* sink, bool connected)
    : sink_(sink), connected_(connected) {
  ready_.Resolve({});
}

UDPWritableStream::~UDPWritableStream() = default;

Promise<Undefined> UDPWritableStream::Write(UDPMessage message) {
  if (state_ == State::kErrored)
    return Promise<Undefined>::Rejected(*error_);
  if (state_ != State::kWritable || close_requested_) {
    // Closed by UDPSocket.close(), which aborts the writable with this
    // reason in Chrome 156 (a page's own close() never gets here: the
    // WritableStream refuses writes after it).
    return Promise<Undefined>::Rejected(
        ScriptError::DomException("AbortError", "Stream closed."));
  }
  ScriptErrorOr<v1::Datagram> datagram = BuildDatagram(message, connected_);
  if (!datagram.ok()) {
    if (!datagram.error().is_type_error()) {
      // What Chrome's network service would refuse (NetworkError) fails
      // the stream as a failed send does.
      Error(datagram.error());
      if (sink_ != nullptr)
        sink_->OnWritableClosed();
    }
    return Promise<Undefined>::Rejected(datagram.error());
  }
  Promise<Undefined> promise;
  queue_.push_back({std::move(datagram).value(), promise});
  UpdateReady();
  MaybeSendBatch();
  return promise;
}

Promise<Undefined> UDPWritableStream::Close() {
  if (state_ == State::kErrored)
    return Promise<Undefined>::Rejected(*error_);
  if (state_ != State::kWritable || close_requested_) {
    return Promise<Undefined>::Rejected(
        ScriptError::TypeError("the writable stream is already closed"));
  }
  close_requested_ = true;
  MaybeFinishClose();
  return close_promise_;
}

Promise<Undefined> UDPWritableStream::Abort() {
  if (state_ == State::kErrored || state_ == State::kClosed) {
    return Promise<Undefined>::Resolved({});
  }
  state_ = State::kClosed;
  const ScriptError aborted = ScriptError::DomException(
      "AbortError", "the write was aborted before it was sent");
  std::deque<PendingWrite> queue = std::move(queue_);
  for (auto& write : queue)
    write.promise.Reject(aborted);
  // A batch already sent settles with its result (or AbortError if the
  // socket closes first).
  close_promise_.Reject(aborted);
  if (sink_ != nullptr)
    sink_->OnWritableClosed();
  return Promise<Undefined>::Resolved({});
}

int UDPWritableStream::desired_size() const {
  return kHighWaterMark - static_cast<int>(queue_.size() + in_flight_writes_);
}

Promise<Undefined> UDPWritableStream::Ready() {
  if (state_ == State::kErrored)
    return Promise<Undefined>::Rejected(*error_);
  return ready_;
}

void UDPWritableStream::UpdateReady() {
  if (desired_size() > 0) {
    ready_.Resolve({});
  } else if (ready_.is_settled()) {
    ready_ = Promise<Undefined>();
  }
}

void UDPWritableStream::MaybeSendBatch() {
  while (in_flight_.size() < kMaxBatchesInFlight && !queue_.empty() &&
         sink_ != nullptr) {
    v1::SendDatagrams datagrams;
    Batch batch;
    size_t bytes = 0;
    // At least one datagram; then as many as fit the service's message
    // limit (common::kMaxSendBatchBytes).
    while (!queue_.empty() && datagrams.datagrams_size() < kMaxBatch &&
           (datagrams.datagrams_size() == 0 ||
            bytes + queue_.front().datagram.data().size() <=
                common::kMaxSendBatchBytes)) {
      bytes += queue_.front().datagram.data().size();
      *datagrams.add_datagrams() = std::move(queue_.front().datagram);
      batch.writes.push_back(std::move(queue_.front().promise));
      queue_.pop_front();
    }
    in_flight_writes_ += batch.writes.size();
    batch.request_id = sink_->SendBatch(std::move(datagrams));
    in_flight_.push_back(std::move(batch));
  }
}

void UDPWritableStream::OnSendResult(uint64_t request_id,
                                     const absl::Status& status) {
  if (in_flight_.empty() || in_flight_.front().request_id != request_id) {
    return;
  }
  std::vector<Promise<Undefined>> batch = std::move(in_flight_.front().writes);
  in_flight_.pop_front();
  in_flight_writes_ -= batch.size();
  if (status.ok()) {
    for (auto& write : batch)
      write.Resolve({});
    UpdateReady();
    MaybeSendBatch();
    MaybeFinishClose();
    return;
  }
  // A failed send errors the stream (Direct Sockets: "handle closing the
  // writable stream").
  const ScriptError error = ScriptError::FromStatus(status);
  for (auto& write : batch)
    write.Reject(error);
  Error(error);
  if (sink_ != nullptr)
    sink_->OnWritableClosed();
}

void UDPWritableStream::MaybeFinishClose() {
  if (!close_requested_ || state_ != State::kWritable)
    return;
  if (!in_flight_.empty() || !queue_.empty())
    return;
  state_ = State::kClosed;
  close_promise_.Resolve({});
  if (sink_ != nullptr)
    sink_->OnWritableClosed();
}

void UDPWritableStream::Error(ScriptError error) {
  if (state_ == State::kErrored)
    return;
  // A stream already closed by the page keeps its state, but writes still
  // in flight learn why they failed.
  std::deque<PendingWrite> queue = std::move(queue_);
  for (auto& write : queue)
    write.promise.Reject(error);
  std::deque<Batch> in_flight = std::move(in_flight_);
  in_flight_.clear();
  in_flight_writes_ = 0;
  for (auto& batch : in_flight) {
    for (auto& write : batch.writes)
      write.Reject(error);
  }
  if (state_ == State::kClosed)
    return;
  state_ = State::kErrored;
  error_ = error;
  close_promise_.Reject(error);
  ready_.Reject(error);
}

void UDPWritableStream::Detach() {
  sink_ = nullptr;
}

}  // namespace renderer
