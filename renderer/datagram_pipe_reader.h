#ifndef RENDERER_DATAGRAM_PIPE_READER_H_
#define RENDERER_DATAGRAM_PIPE_READER_H_

#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "common/event_loop.h"
#include "common/fd_watch.h"

namespace renderer {

// The renderer's end of its datagram pipe (common/datagram_frame.h): reads
// the network service's messages on the loop as they arrive and hands each
// received datagram, and each result of a send made on the pipe, to the
// socket the message names; and carries the sockets' receive credit and
// send frames to the service. A socket that opened with a pipe number
// registers here; before it handles any event of its gRPC stream it calls
// Drain(), so that what the service sent on the pipe before that event is
// handled before it (the service writes to the pipe before it queues any
// later event).
//
// Owned (shared) by the NetworkServiceConnection of its channel and by the
// sockets registered with it; loop thread only. The descriptor closes with
// the last owner.
class DatagramPipeReader
    : public std::enable_shared_from_this<DatagramPipeReader> {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    // One datagram from `from` (null for a connected socket's), valid
    // during the call only.
    virtual void OnPipeDatagram(absl::string_view data,
                                const sockaddr* from) = 0;
    // The result of the send frame `request_id`: `status` is a serialized
    // direct_sockets.v1.Status, empty for OK.
    virtual void OnPipeResult(uint64_t request_id,
                              absl::string_view status) = 0;
  };

  // Send buffer asked for this end: room for two full send frames.
  static constexpr int kSendBufferBytes = 1 << 20;

  // Starts reading `fd` (a SOCK_SEQPACKET socket; taken over) on `loop`.
  static std::shared_ptr<DatagramPipeReader> Start(common::EventLoop* loop,
                                                   int fd);
  DatagramPipeReader(const DatagramPipeReader&) = delete;
  DatagramPipeReader& operator=(const DatagramPipeReader&) = delete;
  ~DatagramPipeReader();

  // Frames numbered `socket_id` go to `sink` (not owned) until Unregister.
  void Register(uint32_t socket_id, Sink* sink);
  void Unregister(uint32_t socket_id);
  // Delivers every frame the pipe holds now.
  void Drain();
  // Grants `count` more datagrams to the socket numbered `socket_id`, on the
  // pipe (common::DatagramCredit). False when the pipe would not take it
  // now: the caller grants it on the socket's stream instead.
  bool SendCredit(uint32_t socket_id, uint32_t count);
  // Hands a request (a common::DatagramFrame of kind kSend, a
  // common::DatagramMembership) to the kernel whole. False when the pipe
  // would not take it now.
  bool SendMessage(absl::string_view message);

  // Messages that did not read (none from a sound service).
  uint64_t malformed_frames() const { return malformed_frames_; }

 private:
  explicit DatagramPipeReader(int fd);
  void Deliver(absl::string_view message);
  bool Send(const void* message, size_t size);

  std::unique_ptr<common::FdWatch> watch_;  // Owns the descriptor.
  const int fd_;
  std::string buffer_;
  std::unordered_map<uint32_t, Sink*> sinks_;
  uint64_t malformed_frames_ = 0;
};

}  // namespace renderer

#endif  // RENDERER_DATAGRAM_PIPE_READER_H_
