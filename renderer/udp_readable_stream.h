#ifndef RENDERER_UDP_READABLE_STREAM_H_
#define RENDERER_UDP_READABLE_STREAM_H_

#include <cstdint>
#include <deque>
#include <optional>

#include "renderer/promise.h"
#include "renderer/script_error.h"
#include "renderer/udp_socket_options.h"

namespace renderer {

// What Read() gives: a message, or done when the stream has closed.
struct ReadResult {
  std::optional<UDPMessage> value;
  bool done = false;
};

// The readable side of a UDPSocket (`UDPSocketOpenInfo.readable`): the
// underlying source of a ReadableStream, with the stream's queue. Its
// high-water mark drives the network service's receive credit, as Blink's
// UDPReadableStreamWrapper tops ReceiveMore up to the desired size: a reader
// that stops reading makes the service stop receiving.
// Owned by its UDPSocket (shared with the page's open info); loop thread.
class UDPReadableStream {
 public:
  // Implemented by UDPSocket.
  class Source {
   public:
    virtual ~Source() = default;
    virtual void ReceiveMore(uint32_t count) = 0;
    virtual void OnReadableClosed() = 0;
  };

  static constexpr int kHighWaterMark = 512;

  explicit UDPReadableStream(Source* source);
  UDPReadableStream(const UDPReadableStream&) = delete;
  UDPReadableStream& operator=(const UDPReadableStream&) = delete;
  ~UDPReadableStream();

  // The next message; done once closed; rejects with the stream's error.
  Promise<ReadResult> Read();
  // The next queued message now, or nullopt when none is queued (or the
  // stream has errored): Read() without a promise, for a reader that takes
  // a queue's worth at once.
  std::optional<UDPMessage> TakeQueued();
  // Discards queued messages, closes this side; the socket closes when the
  // writable is closed too.
  Promise<Undefined> Cancel();

  bool is_closed() const { return state_ == State::kClosed; }
  bool is_errored() const { return state_ == State::kErrored; }
  const std::optional<ScriptError>& stored_error() const { return error_; }
  // Messages queued and not read.
  size_t queued() const { return queue_.size(); }

  // For UDPSocket:
  void Start();
  void Enqueue(UDPMessage message);
  void Error(ScriptError error);
  void Detach();  // The socket is going away.

 private:
  enum class State { kReadable, kClosed, kErrored };
  void Pull();

  Source* source_;
  State state_ = State::kReadable;
  std::optional<ScriptError> error_;
  std::deque<UDPMessage> queue_;
  std::deque<Promise<ReadResult>> pending_reads_;
  uint32_t outstanding_credit_ = 0;  // Granted, not yet received.
};

}  // namespace renderer

#endif  // RENDERER_UDP_READABLE_STREAM_H_
