#ifndef NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_
#define NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_

#include <uv.h>

#include <cstddef>
#include <vector>

#include "network_service/socket/datagram_socket.h"

namespace network_service {

// The real DatagramSocket: a libuv UDP handle on the service's loop. Sends
// go straight to the kernel (uv_udp_try_send, or one sendmsg with
// UDP_SEGMENT for a run of datagrams) and queue in libuv only while the
// kernel's buffer is full, within kMaxQueuedSends / kMaxQueuedSendBytes.
// Made by UvSocketFactory; owned by one RestrictedUDPSocket; loop thread
// only.
class UvDatagramSocket final : public DatagramSocket {
 public:
  // Datagrams queued in libuv, and their payload bytes: 256 datagrams of
  // 64 KiB would otherwise pin 16 MiB a socket.
  static constexpr size_t kMaxQueuedSends = 256;
  static constexpr size_t kMaxQueuedSendBytes = 1 << 20;
  // The receive buffer: room for 20 of the largest datagrams, so that libuv
  // reads up to 20 at once with recvmmsg (UV_UDP_RECVMMSG: a 64 KiB slot
  // each, at most 20). One buffer serves every socket of a loop's thread:
  // libuv fills it and calls back for each datagram before it reads any
  // other socket, and each datagram is copied out in its callback.
  static constexpr size_t kReceiveSlots = 20;
  static constexpr size_t kSlotBytes = 64 * 1024;
  static constexpr size_t kReceiveBufferBytes = kReceiveSlots * kSlotBytes;
  // libuv reads at most 32 datagrams of a socket per loop iteration (then
  // serves the loop's other handles): at 64 B a flood then costs the
  // renderer one wakeup, one frame and two context switches per 40
  // datagrams. After a full read the socket reads on itself, with the same
  // recvmmsg into the same buffer, up to this many more while its receiver
  // takes them (its credit still bounds every read).
  static constexpr size_t kMaxReadOnDatagrams = 200;

  // Creates the handle (and the kernel's socket) of `family`; `*error` is
  // libuv's code, 0 on success. Close() it either way.
  UvDatagramSocket(uv_loop_t* loop, int family, int* error);
  UvDatagramSocket(const UvDatagramSocket&) = delete;
  UvDatagramSocket& operator=(const UvDatagramSocket&) = delete;
  ~UvDatagramSocket() override;

  // DatagramSocket:
  absl::Status Bind(const sockaddr* local, const Options& options) override;
  absl::Status Connect(const sockaddr* remote, const Options& options) override;
  absl::Status GetLocalAddress(sockaddr_storage* address) const override;
  absl::Status GetPeerAddress(sockaddr_storage* address) const override;
  absl::Status JoinGroup(const common::SocketMembership& membership) override;
  absl::Status LeaveGroup(const common::SocketMembership& membership) override;
  absl::StatusOr<SendResult> Send(absl::string_view data,
                                  const sockaddr* to,
                                  SendDone done) override;
  size_t TrySendSegmented(absl::Span<const absl::string_view> datagrams,
                          const sockaddr* to) override;
  absl::Status StartReceiving(Receiver* receiver) override;
  void StopReceiving() override;
  void Close(absl::AnyInvocable<void()> closed) override;

 private:
  struct QueuedSend;

  int fd() const;
  absl::Status ApplyOptions(const Options& options);
  absl::Status SetMembership(const common::SocketMembership& membership,
                             bool join);
  static void OnSent(uv_udp_send_t* request, int status);
  // The datagrams of one read are all delivered: a stop asked for meanwhile
  // happens now.
  void EndBatch();
  // Reads on after libuv's full read (kMaxReadOnDatagrams).
  void ReadOn();
  // The loop thread's receive buffer, kReceiveBufferBytes.
  static char* ReceiveBuffer();
  // How many datagrams the next read may take: the receiver's budget, 1 to
  // kReceiveSlots.
  size_t SlotsForBudget() const;
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnReceived(uv_udp_t* handle,
                         ssize_t nread,
                         const uv_buf_t* buf,
                         const sockaddr* addr,
                         unsigned flags);
  static void OnClosed(uv_handle_t* handle);

  uv_udp_t udp_;
  const int family_;
  bool initialized_ = false;
  bool closing_ = false;
  Receiver* receiver_ = nullptr;  // While receiving.
  // Between OnAlloc and the last callback of what libuv read with it.
  bool in_batch_ = false;
  // The slots of libuv's current read, and the datagrams it delivered.
  size_t batch_slots_ = 0;
  size_t batch_delivered_ = 0;
  // StopReceiving() came during a batch: it happens at the batch's end.
  bool stop_after_batch_ = false;
  // Cleared when the kernel or the route refuses UDP_SEGMENT for this
  // socket: its sends go one by one from then on.
  bool segmentation_works_ = true;
  size_t queued_sends_ = 0;
  size_t queued_send_bytes_ = 0;
  absl::AnyInvocable<void()> closed_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_
