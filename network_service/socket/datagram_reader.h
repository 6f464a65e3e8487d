#ifndef NETWORK_SERVICE_SOCKET_DATAGRAM_READER_H_
#define NETWORK_SERVICE_SOCKET_DATAGRAM_READER_H_

#include <cstddef>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "network_service/socket/datagram_socket.h"

namespace network_service {

// Reads one UDP socket for a DatagramSocket::Receiver, in batches:
// recvmmsg of up to kBatch kernel messages at a time into the loop thread's
// one buffer. UDP GRO is on where the kernel has it, so that a run of
// datagrams of one flow (a GSO sender's, or what a NIC's GRO merged) comes
// as one message, which is cut here at its segment size into the datagrams
// it was. libuv only says when the socket is readable (UvDatagramSocket
// hands libuv an empty buffer, so libuv reads nothing itself: it could not
// pass the segment size on, and it stops at 32 datagrams an iteration,
// which at 64 B cost the renderer a wakeup and a frame every 40).
//
// The receiver's budget bounds each read: at most that many messages, over
// the most datagrams one message of the last read carried, so a read may
// pass the budget by the segments of one batch but never its bytes (kBatch
// messages of at most 64 KiB, as without GRO). Everything one recvmmsg took
// is delivered, even after a Stop() meanwhile: nothing read is dropped. One
// readiness reads at most kMaxDatagramsPerWakeup datagrams, then lets the
// loop serve its other handles.
//
// Owned by UvDatagramSocket; loop thread only.
class DatagramReader {
 public:
  static constexpr size_t kBatch = 20;
  static constexpr size_t kSlotBytes = 64 * 1024;
  static constexpr size_t kMaxDatagramsPerWakeup = 256;

  // `fd` is the socket's (not owned). `watch(true)` asks libuv to call
  // ReadAvailable() whenever the socket is readable, `watch(false)` to stop.
  DatagramReader(int fd, absl::AnyInvocable<absl::Status(bool)> watch);
  DatagramReader(const DatagramReader&) = delete;
  DatagramReader& operator=(const DatagramReader&) = delete;

  // Reads for `receiver` (not owned) until Stop(), Detach() or an error,
  // which goes to receiver->OnReceiveError and stops reading. Never
  // delivers inside this call.
  absl::Status Start(DatagramSocket::Receiver* receiver);
  void Stop();
  // The socket is closing: no more deliveries, not even of a batch in hand.
  void Detach();
  // The socket is readable.
  void ReadAvailable();

  // Whether the kernel took UDP_GRO for this socket.
  bool gro() const { return gro_; }
  // Messages that carried more than one datagram, since the start.
  size_t coalesced_messages() const { return coalesced_messages_; }

 private:
  // One recvmmsg, and what it read delivered. Returns the datagrams
  // delivered; sets `*drained` when the socket had less than was asked for;
  // -1 once reading has ended (stopped, detached or failed).
  int ReadBatch(bool* drained);
  void Fail(int uv_error);

  const int fd_;
  absl::AnyInvocable<absl::Status(bool)> watch_;
  bool gro_ = false;
  bool detached_ = false;
  DatagramSocket::Receiver* receiver_ = nullptr;  // While reading.
  // Inside a batch's deliveries: a Stop() waits for the batch's end.
  bool delivering_ = false;
  bool stop_after_batch_ = false;
  // The most datagrams one message of the last read carried (1 without
  // GRO): the next read takes the budget over this many messages.
  size_t segments_seen_ = 1;
  size_t coalesced_messages_ = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_DATAGRAM_READER_H_
