#ifndef NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_
#define NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_

#include <uv.h>

#include <cstddef>
#include <memory>

#include "network_service/socket/datagram_reader.h"
#include "network_service/socket/datagram_socket.h"

namespace network_service {

// The real DatagramSocket: a libuv UDP handle on the service's loop. Sends
// go straight to the kernel (uv_udp_try_send, or one sendmsg with
// UDP_SEGMENT for a run of datagrams) and queue in libuv only while the
// kernel's buffer is full, within kMaxQueuedSends / kMaxQueuedSendBytes.
// Receiving is a DatagramReader's, which libuv tells when to read.
// Made by UvSocketFactory; owned by one RestrictedUDPSocket; loop thread
// only.
class UvDatagramSocket final : public DatagramSocket {
 public:
  // Datagrams queued in libuv, and their payload bytes: 256 datagrams of
  // 64 KiB would otherwise pin 16 MiB a socket.
  static constexpr size_t kMaxQueuedSends = 256;
  static constexpr size_t kMaxQueuedSendBytes = 1 << 20;
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
  KernelQueue GetKernelQueue() const override;
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

  const DatagramReader& reader() const { return *reader_; }

 private:
  struct QueuedSend;

  int fd() const;
  absl::Status ApplyOptions(const Options& options);
  absl::Status SetMembership(const common::SocketMembership& membership,
                             bool join);
  static void OnSent(uv_udp_send_t* request, int status);
  // Starts or stops libuv's readiness callbacks for the reader.
  absl::Status WatchReadable(bool watch);
  static void OnAllocNothing(uv_handle_t* handle,
                             size_t suggested,
                             uv_buf_t* buf);
  static void OnReadable(uv_udp_t* handle,
                         ssize_t nread,
                         const uv_buf_t* buf,
                         const sockaddr* addr,
                         unsigned flags);
  static void OnClosed(uv_handle_t* handle);

  uv_udp_t udp_;
  const int family_;
  bool initialized_ = false;
  bool closing_ = false;
  // Reads received datagrams (once the handle is initialized).
  std::unique_ptr<DatagramReader> reader_;
  // Cleared when the kernel or the route refuses UDP_SEGMENT for this
  // socket: its sends go one by one from then on.
  bool segmentation_works_ = true;
  size_t queued_sends_ = 0;
  size_t queued_send_bytes_ = 0;
  absl::AnyInvocable<void()> closed_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_UV_DATAGRAM_SOCKET_H_
