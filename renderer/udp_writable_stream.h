#ifndef RENDERER_UDP_WRITABLE_STREAM_H_
#define RENDERER_UDP_WRITABLE_STREAM_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "proto/udp_socket.pb.h"
#include "renderer/promise.h"
#include "renderer/script_error.h"
#include "renderer/udp_socket_options.h"

namespace renderer {

// The writable side of a UDPSocket (`UDPSocketOpenInfo.writable`): the
// underlying sink of a WritableStream. Each write's promise settles when the
// network service has handed the datagram to the kernel. Writes made while a
// batch is on its way are sent together as the next batch, so a busy writer
// pays one IPC message per batch, an idle one no added latency. Results
// come back in request order (the service handles a stream's requests in
// order), so writes settle in the order they were made.
// Owned by its UDPSocket (shared with the page's open info); loop thread.
class UDPWritableStream {
 public:
  // Implemented by UDPSocket.
  class Sink {
   public:
    virtual ~Sink() = default;
    // Sends a batch; returns its request id. OnSendResult() answers it.
    virtual uint64_t SendBatch(direct_sockets::v1::SendDatagrams batch) = 0;
    virtual void OnWritableClosed() = 0;
  };

  static constexpr int kHighWaterMark = 256;
  static constexpr int kMaxBatch = 128;
  // Batches on their way at once: two keep the service busy while a result
  // travels back, without letting one socket queue much in the service.
  static constexpr size_t kMaxBatchesInFlight = 2;

  UDPWritableStream(Sink* sink, bool connected);
  UDPWritableStream(const UDPWritableStream&) = delete;
  UDPWritableStream& operator=(const UDPWritableStream&) = delete;
  ~UDPWritableStream();

  // Rejects with TypeError for a message the mode does not allow (the
  // stream stays usable); with NetworkError when the send fails (the stream
  // errors, as the spec says).
  Promise<Undefined> Write(UDPMessage message);
  // Closes after every queued write has been sent.
  Promise<Undefined> Close();
  // Closes now; queued writes that were not sent reject with AbortError.
  Promise<Undefined> Abort();

  // High-water mark less the writes not yet settled; `ready` is fulfilled
  // while it is positive.
  int desired_size() const;
  Promise<Undefined> Ready();

  bool is_closed() const { return state_ == State::kClosed; }
  bool is_errored() const { return state_ == State::kErrored; }
  const std::optional<ScriptError>& stored_error() const { return error_; }

  // For UDPSocket:
  void OnSendResult(uint64_t request_id, const absl::Status& status);
  void Error(ScriptError error);
  void Detach();

 private:
  enum class State { kWritable, kClosing, kClosed, kErrored };
  struct PendingWrite {
    direct_sockets::v1::Datagram datagram;
    Promise<Undefined> promise;
  };

  void MaybeSendBatch();
  void MaybeFinishClose();
  void UpdateReady();

  Sink* sink_;
  const bool connected_;
  State state_ = State::kWritable;
  std::optional<ScriptError> error_;
  std::deque<PendingWrite> queue_;
  struct Batch {
    uint64_t request_id;
    std::vector<Promise<Undefined>> writes;
  };
  std::deque<Batch> in_flight_;  // Sent, in request order.
  size_t in_flight_writes_ = 0;
  Promise<Undefined> close_promise_;
  bool close_requested_ = false;
  Promise<Undefined> ready_;
};

}  // namespace renderer

#endif  // RENDERER_UDP_WRITABLE_STREAM_H_
