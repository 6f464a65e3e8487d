#ifndef NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_H_
#define NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/ip_address.h"
#include "common/socket_membership.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/renderer_stream.h"
#include "network_service/requests/app_access.h"
#include "network_service/requests/group_memberships.h"
#include "network_service/requests/receive_flow.h"
#include "network_service/requests/send_queue.h"
#include "network_service/requests/socket_opener.h"
#include "network_service/requests/socket_request_checks.h"
#include "network_service/socket/datagram_socket.h"
#include "network_service/socket/socket_factory.h"
#include "proto/admin.pb.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// The request layer of one socket: the service's counterpart of Chromium's
// RestrictedUDPSocket, and the only part of the service that knows a
// renderer may lie. It reads one renderer-side UDPSocket's requests, checks
// each again (request_validator.h), applies the app's manifest and the
// admin's policy (AppAccess, PolicyEnforcer), and only then asks the socket
// layer (DatagramSocket, made by the SocketFactory) to act; it answers every
// request once. The socket opens as the first request says (bound or
// connected, never re-bound; SocketOpener); sends go through its SendQueue (the
// app's send rate), receives through its ReceiveFlow (the renderer's credit),
// joins through its GroupMemberships. With the renderer's datagram pipe,
// sends, joins and leaves may also come there: each becomes the same
// request the stream would carry, checked the same way, and is answered on
// the pipe.
//
// Owned by NetworkServiceImpl's socket table; loop thread only. It talks to
// the renderer through its stream, shared with gRPC. Close() (or the
// renderer ending the stream) closes the socket; `on_closed` then runs
// once, possibly inside one of this object's own methods, so the owner
// must delete this object later from the loop (a posted task), never
// inside the callback.
class RestrictedUDPSocket : private DatagramPipe::RequestSink {
 public:
  // Datagrams in one SendDatagrams request.
  static constexpr int kMaxDatagramsPerRequest = 1024;
  // Sends not yet answered when one more comes on the pipe (which, unlike
  // the stream, is not paused for one socket): the renderer's writable has
  // two at most; a renderer with this many is broken (its socket closes).
  static constexpr size_t kMaxPipeSendsInFlight = 16;
  // A stream must send its open request within this long.
  static constexpr uint64_t kOpenDeadlineMs = 5000;

  // `apps`, `policy` and `sockets` (not owned) outlive this; `app` is the
  // app the host bound this socket's channel to, with its manifest's
  // permissions.
  RestrictedUDPSocket(uv_loop_t* loop,
                      std::shared_ptr<RendererStream> stream,
                      AppRegistry* apps,
                      PolicyEnforcer* policy,
                      SocketFactory* sockets,
                      AppIdentity app,
                      absl::AnyInvocable<void()> on_closed);
  RestrictedUDPSocket(const RestrictedUDPSocket&) = delete;
  RestrictedUDPSocket& operator=(const RestrictedUDPSocket&) = delete;
  ~RestrictedUDPSocket() override;

  // Handles one request from the renderer, then asks the stream for the
  // next one (unless the app's send rate holds this one back).
  void HandleRequest(direct_sockets::v1::UDPSocketRequest request);
  // The renderer ended the stream (closed the socket, or died).
  void OnRendererGone();
  // Closes the socket and ends the stream with `status` (OK: a plain
  // close).
  void Close(absl::Status status);
  // The stream's outbox drained: receiving may resume.
  void OnOutboxDrained();
  // The policy changed: a socket, or a membership, it no longer allows is
  // closed with a NetworkError (the kernel drops its memberships).
  void RecheckPolicy();

  bool is_open() const { return state_ == State::kOpen; }
  const std::string& origin() const { return access_.origin(); }
  // The admin's view of this socket (its `id` is the owner's): addresses,
  // options, age, memberships and counters.
  void Describe(uint64_t id, direct_sockets::admin::v1::Socket* socket) const;
  // What the open socket has moved so far (zeros before it opens).
  Traffic CurrentTraffic() const;

 private:
  enum class State { kAwaitingOpen, kOpening, kOpen, kClosing, kClosed };
  // The open socket's bound address and a connected socket's peer (empty
  // when the kernel has none).
  struct Addresses {
    std::string local_address;
    uint16_t local_port = 0;
    std::string remote_address;
    uint16_t remote_port = 0;
  };
  Addresses CurrentAddresses() const;

  void HandleOpen(uint64_t request_id,
                  const direct_sockets::v1::OpenUDPSocket& open);
  void ReplyOpened();
  // Checks `send` (SocketRequestChecks) and the app's send bytes, then hands
  // it to the SendQueue; a refusal is answered in order with the results of
  // earlier sends. False when the app's send rate holds the request back.
  bool HandleSend(uint64_t request_id,
                  direct_sockets::v1::SendDatagrams send,
                  bool on_pipe);
  // DatagramPipe::RequestSink: a send frame, a join or a leave from the
  // renderer's pipe.
  void OnPipeSend(uint64_t request_id,
                  direct_sockets::v1::SendDatagrams send) override;
  void OnPipeMembership(uint64_t request_id,
                        bool join,
                        direct_sockets::v1::MulticastGroup group) override;
  // Joins (or leaves) `group` through GroupMemberships.
  void HandleMembership(uint64_t request_id,
                        const direct_sockets::v1::MulticastGroup& group,
                        bool join,
                        bool on_pipe = false);
  // Checks a join/leave as the renderer must have (SocketRequestChecks
  // once open); the error, if any, means the renderer is broken.
  absl::StatusOr<common::SocketMembership> CheckMembershipRequest(
      const direct_sockets::v1::MulticastGroup& group);
  // The renderer sent what an honest one never sends: log it and end the
  // socket's stream with `why`.
  void RejectBrokenRenderer(absl::Status why);
  // Answers a request; one that came on the pipe is answered there while the
  // pipe takes them (after one did not, every later one goes on the
  // stream, which keeps them in order).
  void ReplyResult(uint64_t request_id,
                   const absl::Status& status,
                   bool on_pipe = false);
  // Fails the socket: the renderer sees `status` as its socket's error.
  void Fail(absl::Status status);
  static void OnOpenDeadline(uv_timer_t* handle);
  // One of the parts Close() closes has finished closing.
  void OnPartClosed();

  uv_loop_t* const loop_;
  std::shared_ptr<RendererStream> stream_;
  AppRegistry* const apps_;
  PolicyEnforcer* const policy_;
  const AppAccess access_;
  absl::AnyInvocable<void()> on_closed_;
  State state_ = State::kAwaitingOpen;
  absl::Status close_status_;
  bool holds_app_socket_ = false;     // Counted against the app's cap.
  bool report_socket_error_ = false;  // Fail(): send socket_error at close.
  int parts_closing_ = 0;             // Parts whose close has not called back.
  // The stream is not read while the app's send rate holds its send.
  bool stream_held_ = false;
  // The socket's number on the datagram pipe (0: none), and whether its
  // pipe sends' results have had to go on the stream.
  uint32_t pipe_socket_id_ = 0;
  bool results_on_stream_ = false;

  const absl::Time created_at_ = absl::Now();
  uint64_t open_request_id_ = 0;
  direct_sockets::v1::OpenUDPSocket open_;
  uv_timer_t open_deadline_;  // Armed from construction until the open.
  SocketOpener opener_;

  // The socket as opened.
  std::unique_ptr<DatagramSocket> socket_;
  // A connected socket's peer, as checked (IPv4-mapped read as IPv4).
  std::optional<common::IpAddress> peer_;
  std::optional<SocketRequestChecks> checks_;  // Once created.

  SendQueue sends_;
  ReceiveFlow receives_;
  GroupMemberships memberships_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_H_
