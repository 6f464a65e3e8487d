#ifndef NETWORK_SERVICE_DATAGRAM_PIPE_H_
#define NETWORK_SERVICE_DATAGRAM_PIPE_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "common/fd_watch.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// The service's end of one renderer's datagram pipe (common/datagram_frame.h).
// Received datagrams go to the renderer here, a frame per batch, with the
// results of sends that came here; the renderer's receive credit and its
// sends come back here, without gRPC's threads, HTTP/2 framing or the
// channel's guard.
//  - Out: nothing waits on the pipe. A message the kernel will not take now
//    (the renderer is not reading) goes over the socket's gRPC stream
//    instead, which keeps the order (the renderer reads its pipe before each
//    gRPC event) and the stream's bounds.
//  - In: the renderer writes only credit, send frames, joins and leaves.
//    Every message is
//    read into the service's own buffer and checked whole
//    (common::DatagramCredit::Parse, DatagramFrame::ForEach) before any of
//    it is used, and goes only to a socket of this channel that registered
//    its number; an unknown number is ignored (the socket may just have
//    closed). A send frame becomes the SendDatagrams request the stream
//    would have carried, a join or leave the MulticastGroup, and its socket
//    checks them as it checks those.
//    Anything else is a broken renderer: the pipe is closed, and its
//    sockets go on over their streams. Each wakeup reads a bounded number
//    of messages, so a flood cannot hold the loop.
//
// Made by NetworkService for a renderer channel, on the loop, and shared
// (shared_ptr in AppIdentity) by the channel's sockets; used on the loop
// thread only. NetworkService calls Close() on the loop once the renderer
// is gone (or the service stops), before the last owner lets go.
class DatagramPipe {
 public:
  // Where a socket's credit goes (its ReceiveFlow).
  class CreditSink {
   public:
    virtual ~CreditSink() = default;
    virtual void AddCredit(uint32_t count) = 0;
  };
  // Where a socket's sends, joins and leaves go (its RestrictedUDPSocket),
  // which answers each with a DatagramResult (or on the stream).
  class RequestSink {
   public:
    virtual ~RequestSink() = default;
    virtual void OnPipeSend(uint64_t request_id,
                            direct_sockets::v1::SendDatagrams send) = 0;
    virtual void OnPipeMembership(uint64_t request_id,
                                  bool join,
                                  direct_sockets::v1::MulticastGroup group) = 0;
  };

  // Send buffer asked for the service's end: frames in flight per renderer
  // before TrySend says "full" (kernel memory, bounded per renderer).
  static constexpr int kSendBufferBytes = 1 << 20;
  // Messages read per wakeup of the loop, and send frames among them.
  static constexpr int kMaxMessagesPerWakeup = 256;
  static constexpr int kMaxSendFramesPerWakeup = 16;

  // Takes ownership of `fd` (a non-blocking SOCK_SEQPACKET socket) and
  // starts reading credit on `loop`. `origin` names the app in logs.
  DatagramPipe(uv_loop_t* loop, int fd, std::string origin);
  DatagramPipe(const DatagramPipe&) = delete;
  DatagramPipe& operator=(const DatagramPipe&) = delete;
  ~DatagramPipe();

  // A number for a socket of this channel, never 0 (0 means "no pipe").
  uint32_t NewSocketId() { return next_socket_id_++; }
  // Credit for `socket_id` goes to `sink` (not owned) until Unregister.
  void Register(uint32_t socket_id, CreditSink* sink);
  void Unregister(uint32_t socket_id);
  // Send frames, joins and leaves for `socket_id` go to `sink` (not owned)
  // until UnregisterRequests.
  void RegisterRequests(uint32_t socket_id, RequestSink* sink);
  void UnregisterRequests(uint32_t socket_id);
  // Hands `frame` to the kernel whole. False when it did not: the pipe is
  // full, closed, or the renderer has gone; the caller sends it otherwise.
  bool TrySend(absl::string_view frame);
  // Stops reading and frees the descriptor (once; later calls do nothing).
  void Close();
  bool closed() const { return watch_->closed(); }

  // Messages that were neither credit nor a send frame (none from a sound
  // renderer).
  uint64_t broken_messages() const { return broken_messages_; }

 private:
  void OnReadable();
  // One send frame, checked whole; false when it is broken.
  bool HandleSendFrame(absl::string_view frame);
  // One join or leave; false when it is broken.
  bool HandleMembership(absl::string_view message);

  std::unique_ptr<common::FdWatch> watch_;  // Owns the descriptor.
  const int fd_;
  const std::string origin_;
  uint32_t next_socket_id_ = 1;
  std::unordered_map<uint32_t, CreditSink*> sinks_;
  std::unordered_map<uint32_t, RequestSink*> request_sinks_;
  uint64_t broken_messages_ = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_DATAGRAM_PIPE_H_
