#ifndef RENDERER_UDP_SOCKET_H_
#define RENDERER_UDP_SOCKET_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/datagram_frame.h"
#include "proto/udp_socket.pb.h"
#include "renderer/datagram_pipe_reader.h"
#include "renderer/multicast_controller.h"
#include "renderer/network_service_connection.h"
#include "renderer/promise.h"
#include "renderer/request_paths.h"
#include "renderer/script_error.h"
#include "renderer/socket_stream_client.h"
#include "renderer/udp_readable_stream.h"
#include "renderer/udp_socket_options.h"
#include "renderer/udp_writable_stream.h"

namespace renderer {

// UDPSocketOpenInfo: what `opened` resolves with.
struct UDPSocketOpenInfo {
  std::shared_ptr<UDPReadableStream> readable;
  std::shared_ptr<UDPWritableStream> writable;
  std::optional<std::string> remoteAddress;  // Connected mode only.
  std::optional<uint16_t> remotePort;        // Connected mode only.
  std::string localAddress;
  uint16_t localPort = 0;
  // Bound mode only; null for a connected socket.
  std::shared_ptr<MulticastController> multicastController;
};

// Direct Sockets' UDPSocket, the layer Blink's direct_sockets module is in
// Chromium: it checks the options as the binding and constructor do, then
// asks the network service for the socket over one gRPC stream, and never
// touches the network itself. Results are promises settled on the
// renderer's loop. Create on, and use from, the loop thread of `connection`,
// which must outlive the socket. Dropping the last reference closes the
// socket (as a collected socket does).
class UDPSocket : public std::enable_shared_from_this<UDPSocket>,
                  private UDPReadableStream::Source,
                  private UDPWritableStream::Sink,
                  private MulticastController::Delegate,
                  private DatagramPipeReader::Sink {
 public:
  // `new UDPSocket(options)`: returns the TypeError the constructor would
  // throw, or a socket that has started to open.
  static ScriptErrorOr<std::shared_ptr<UDPSocket>> Create(
      NetworkServiceConnection* connection,
      const UDPSocketOptions& options);

  UDPSocket(const UDPSocket&) = delete;
  UDPSocket& operator=(const UDPSocket&) = delete;
  ~UDPSocket() override;

  // Fulfilled with the open info, or rejected (NetworkError when the
  // service or the OS refuses; NotAllowedError for a privileged port).
  Promise<UDPSocketOpenInfo> opened() const { return opened_; }
  // Fulfilled when the socket closed because the page closed both streams;
  // rejected with the error that ended it otherwise.
  Promise<Undefined> closed() const { return closed_; }
  // Cancels the readable and aborts the writable. InvalidStateError before
  // `opened` has been fulfilled.
  Promise<Undefined> close();

 private:
  UDPSocket(NetworkServiceConnection* connection,
            bool connected,
            bool ipv6_only);

  void Open(direct_sockets::v1::OpenUDPSocket request,
            std::optional<ScriptError> refusal);
  void OnEvent(direct_sockets::v1::UDPSocketEvent event);
  void OnStreamDone(const grpc::Status& status);
  void OnOpened(const direct_sockets::v1::Opened& opened);
  // Ends the socket with `error`: both streams error, promises reject.
  void Fail(const ScriptError& error);
  void MaybeCloseSocket();
  uint64_t NextRequestId() { return next_request_id_++; }

  // UDPReadableStream::Source:
  void ReceiveMore(uint32_t count) override;
  void OnReadableClosed() override;
  // UDPWritableStream::Sink:
  uint64_t SendBatch(direct_sockets::v1::SendDatagrams batch) override;
  void OnWritableClosed() override;
  // MulticastController::Delegate:
  uint64_t SendMembershipRequest(
      bool join,
      direct_sockets::v1::MulticastGroup group) override;
  // DatagramPipeReader::Sink:
  void OnPipeDatagram(absl::string_view data, const sockaddr* from) override;
  void OnPipeResult(uint64_t request_id, absl::string_view status) override;
  // Puts `batch` on the pipe as one send frame; false when it cannot go
  // there (no pipe, too large, an address a frame cannot carry, or the
  // pipe is full).
  bool SendOnPipe(uint64_t request_id,
                  const direct_sockets::v1::SendDatagrams& batch);
  // A join or leave for the pipe or the stream.
  struct Membership {
    bool join;
    direct_sockets::v1::MulticastGroup group;
  };
  bool MembershipOnPipe(uint64_t request_id, const Membership& membership);
  void MembershipOnStream(uint64_t request_id, Membership membership);
  bool CanSend() const { return stream_ && !ended_; }
  // A request's result, from either path.
  void OnRequestResult(uint64_t request_id, const absl::Status& status);
  // Delivers what the pipe holds (before an event of the stream), and
  // stops reading it once the socket is done.
  void DrainPipe();
  void LeavePipe();

  NetworkServiceConnection* const connection_;
  const bool connected_;
  const bool ipv6_only_;
  std::shared_ptr<SocketStreamClient> stream_;
  Promise<UDPSocketOpenInfo> opened_;
  Promise<Undefined> closed_;
  std::shared_ptr<UDPReadableStream> readable_;
  std::shared_ptr<UDPWritableStream> writable_;
  std::shared_ptr<MulticastController> multicast_controller_;
  // The datagram pipe this socket's datagrams come on (Opened said so).
  std::shared_ptr<DatagramPipeReader> pipe_;
  uint32_t pipe_socket_id_ = 0;
  // The last sender's address and its text: most datagrams of a socket
  // come from one sender, and the text is made once for it.
  // The address is kept as 16 bytes (an IPv4 one in the first 4), with its
  // family, so that the check per datagram is two fixed-size compares.
  int last_sender_family_ = AF_UNSPEC;
  std::array<uint8_t, 16> last_sender_address_{};
  std::string last_sender_text_;
  // Send batches, and joins and leaves, each on the pipe or the stream.
  RequestPaths<direct_sockets::v1::SendDatagrams> send_paths_;
  RequestPaths<Membership> membership_paths_;
  common::DatagramFrame send_frame_;  // Reused: its buffer stays.
  bool closing_ = false;              // Both streams closed; half-close sent.
  bool ended_ = false;                // The stream is over.
  uint64_t next_request_id_ = 1;
};

}  // namespace renderer

#endif  // RENDERER_UDP_SOCKET_H_
