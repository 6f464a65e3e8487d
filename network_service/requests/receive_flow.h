#ifndef NETWORK_SERVICE_REQUESTS_RECEIVE_FLOW_H_
#define NETWORK_SERVICE_REQUESTS_RECEIVE_FLOW_H_

#include <uv.h>

#include <cstdint>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/datagram_frame.h"
#include "network_service/datagram_pipe.h"
#include "network_service/renderer_stream.h"
#include "network_service/socket/datagram_socket.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// One socket's receive side, as its renderer asked for it (Chromium's
// credit-based network::UDPSocket::ReceiveMore): the socket reads only
// while the renderer has granted credit (ReceiveMore, saturating at
// kMaxReceiveCredit) and its outbox is under RendererStream::kPauseBytes;
// what one loop iteration reads goes to the renderer as one event (at most
// kMaxDatagramsPerEvent datagrams), or as one frame on the renderer's
// datagram pipe (UsePipe; kMaxDatagramsPerFrame and DatagramFrame::kMaxBytes).
//
// Owned by a RestrictedUDPSocket; loop thread only. Close() it (and wait for
// `closed`) before destroying it.
class ReceiveFlow final : public DatagramSocket::Receiver,
                          public DatagramPipe::CreditSink {
 public:
  // Credit above this is not granted (saturates): with 64 KiB datagrams the
  // outbox pause bounds memory anyway; this bounds a forged ReceiveMore.
  static constexpr uint32_t kMaxReceiveCredit = 4096;
  // Received datagrams gathered into one event before it is written.
  static constexpr int kMaxDatagramsPerEvent = 64;
  // On the pipe: a frame's bytes are bounded too (DatagramFrame::kMaxBytes),
  // and every frame wakes the renderer, so it takes more small datagrams.
  static constexpr int kMaxDatagramsPerFrame = 256;

  // `stream` (not owned) outlives this; `on_error` runs when the socket
  // cannot receive (the socket has failed).
  ReceiveFlow(uv_loop_t* loop,
              RendererStream* stream,
              absl::AnyInvocable<void(absl::Status)> on_error);
  ReceiveFlow(const ReceiveFlow&) = delete;
  ReceiveFlow& operator=(const ReceiveFlow&) = delete;
  ~ReceiveFlow() override;

  // Before Start: batches go to the renderer as frames on `pipe`, numbered
  // `socket_id`, and as events only when the pipe will not take them; the
  // renderer's credit may come on the pipe too (until Close).
  void UsePipe(std::shared_ptr<DatagramPipe> pipe, uint32_t socket_id);
  // The socket opened: receive from `socket` (not owned) as credit allows.
  // A connected socket's datagrams carry no sender address.
  void Start(DatagramSocket* socket, bool connected);
  // The renderer granted `count` more datagrams (on its stream or its pipe).
  void AddCredit(uint32_t count) override;
  // The stream's outbox drained: receiving may resume.
  void OnOutboxDrained();
  // Writes what has been gathered now (before the socket's last event).
  void Flush();
  // Stops receiving; `closed` runs once, later, from the loop.
  void Close(absl::AnyInvocable<void()> closed);

  // DatagramSocket::Receiver:
  void OnDatagram(absl::string_view data, const sockaddr* from) override;
  size_t ReceiveBudget() const override { return credit_; }
  void OnReceiveError(absl::Status error) override;

  // Datagrams and payload bytes read from the kernel (the admin's view).
  uint64_t datagrams() const { return datagrams_; }
  uint64_t bytes() const { return bytes_; }

 private:
  // Starts or stops the socket's reads as credit and outbox say.
  void Update();
  // Adds a datagram to the event being gathered.
  void AddToEvent(absl::string_view data, const sockaddr* from);
  static void OnFlushCheck(uv_check_t* handle);

  RendererStream* const stream_;
  absl::AnyInvocable<void(absl::Status)> on_error_;
  absl::AnyInvocable<void()> closed_;
  DatagramSocket* socket_ = nullptr;  // Once started, until closed.
  bool connected_ = false;
  bool receiving_ = false;
  bool closing_ = false;
  uint32_t credit_ = 0;
  uv_check_t flush_check_;
  // What this loop iteration read: an event, or a frame for the pipe.
  direct_sockets::v1::UDPSocketEvent gathered_;
  std::shared_ptr<DatagramPipe> pipe_;
  uint32_t pipe_socket_id_ = 0;
  common::DatagramFrame frame_;
  int gathered_count_ = 0;
  uint64_t datagrams_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_RECEIVE_FLOW_H_
