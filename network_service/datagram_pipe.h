#ifndef NETWORK_SERVICE_DATAGRAM_PIPE_H_
#define NETWORK_SERVICE_DATAGRAM_PIPE_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace network_service {

// The service's end of one renderer's datagram pipe (common/datagram_frame.h):
// received datagrams go to the renderer here, a frame per batch, without
// gRPC's threads, HTTP/2 framing or the channel's guard. One way only: the
// reading side is shut at once, so nothing a renderer writes is ever read.
// Nothing waits on it either: a frame the kernel will not take now (the
// renderer is not reading) goes over the socket's gRPC stream instead, which
// keeps the order (the renderer reads its pipe before each gRPC event) and
// the stream's bounds.
//
// Made by NetworkService for a renderer channel and shared (shared_ptr in
// AppIdentity) by the channel's sockets; TrySend and Close on the loop
// thread. The descriptor is closed by Close() or the destructor.
class DatagramPipe {
 public:
  // Send buffer asked for the service's end: frames in flight per renderer
  // before TrySend says "full" (kernel memory, bounded per renderer).
  static constexpr int kSendBufferBytes = 1 << 20;

  // Takes ownership of `fd` (a non-blocking SOCK_SEQPACKET socket).
  explicit DatagramPipe(int fd);
  DatagramPipe(const DatagramPipe&) = delete;
  DatagramPipe& operator=(const DatagramPipe&) = delete;
  ~DatagramPipe();

  // A number for a socket of this channel, never 0 (0 means "no pipe").
  uint32_t NewSocketId() { return next_socket_id_++; }
  // Hands `frame` to the kernel whole. False when it did not: the pipe is
  // full, closed, or the renderer has gone; the caller sends it otherwise.
  bool TrySend(absl::string_view frame);
  // The renderer has gone: frees the descriptor now.
  void Close();

 private:
  int fd_;
  uint32_t next_socket_id_ = 1;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_DATAGRAM_PIPE_H_
