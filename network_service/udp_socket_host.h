#ifndef NETWORK_SERVICE_UDP_SOCKET_HOST_H_
#define NETWORK_SERVICE_UDP_SOCKET_HOST_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/multicast_membership.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/renderer_stream.h"
#include "network_service/request_validator.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// Holds one UDP socket for one renderer-side UDPSocket: the service's
// counterpart of Chromium's RestrictedUDPSocket. It opens the socket as the
// first request says (bound or connected, never re-bound), sends batches of
// datagrams, and receives only within the renderer's credit. Every request
// is checked again (request_validator.h).
//
// Owned by NetworkServiceImpl's socket table; lives on the loop thread and
// is used only there. It talks to the renderer through its stream, which is
// shared with gRPC. Close() (or the renderer ending the stream) closes the
// socket; `on_closed` then runs once, possibly inside one of this object's
// own methods, so the owner must delete this object later from the loop
// (a posted task), never inside the callback.
class UdpSocketHost {
 public:
  // Credit above this is not granted (saturates): with 64 KiB datagrams the
  // outbox pause bounds memory anyway; this bounds a forged ReceiveMore.
  static constexpr uint32_t kMaxReceiveCredit = 4096;
  // Datagrams handed to libuv but not yet sent, across all batches.
  static constexpr size_t kMaxPendingSends = 256;
  // Their payload bytes: 256 datagrams of 64 KiB would pin 16 MiB a socket.
  static constexpr size_t kMaxPendingSendBytes = 1 << 20;
  // Datagrams in one SendDatagrams request.
  static constexpr int kMaxDatagramsPerRequest = 1024;
  // Received datagrams gathered into one event before it is written.
  static constexpr int kMaxDatagramsPerEvent = 64;
  // Memberships one socket may hold: the kernel's IPv4 default
  // (net.ipv4.igmp_max_memberships), applied to both families so a socket
  // behaves the same whatever its groups.
  static constexpr size_t kMaxMembershipsPerSocket = 20;
  // A stream must send its open request within this long.
  static constexpr uint64_t kOpenDeadlineMs = 5000;
  // Sources in one group's source set: the kernel's default
  // (net.ipv4.igmp_max_msf).
  static constexpr size_t kMaxSourcesPerGroup = 10;

  // `apps` (not owned, outlives this) holds the per-app caps; `app` is the
  // app the host bound this socket's channel to, with its manifest's
  // permissions.
  UdpSocketHost(uv_loop_t* loop,
                std::shared_ptr<RendererStream> stream,
                AppRegistry* apps,
                PolicyEnforcer* policy,
                AppIdentity app,
                absl::AnyInvocable<void()> on_closed);
  UdpSocketHost(const UdpSocketHost&) = delete;
  UdpSocketHost& operator=(const UdpSocketHost&) = delete;
  ~UdpSocketHost();

  // Handles one request from the renderer, then asks the stream for the
  // next one.
  void HandleRequest(direct_sockets::v1::UdpSocketRequest request);
  // The renderer ended the stream (closed the socket, or died).
  void OnRendererGone();
  // Closes the socket and ends the stream with `status` (OK: a plain close).
  void Close(absl::Status status);
  // The stream's outbox drained: receiving may resume.
  void OnOutboxDrained();
  // The policy changed: a socket, or a membership, it no longer allows is
  // closed with a NetworkError (the kernel drops its memberships).
  void RecheckPolicy();

  bool is_open() const { return state_ == State::kOpen; }

 private:
  bool connected_or_connecting() const { return open_.has_connected(); }
  enum class State { kAwaitingOpen, kResolving, kOpen, kClosing, kClosed };
  struct Resolve;
  struct SendBatch;

  void HandleOpen(uint64_t request_id,
                  const direct_sockets::v1::OpenUdpSocket& open);
  static void OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  // Creates, configures and binds or connects the socket.
  absl::Status OpenSocket(const sockaddr* address);
  // A connected socket's peer (after DNS), or one destination of a bound
  // socket's send, as the manifest and the policy decide it: a multicast
  // destination needs direct-sockets-multicast and a rule that allows its
  // group, port, and this socket's TTL and loopback.
  absl::Status CheckPeer(const common::IpAddress& peer, uint16_t port);
  // Checks a connected socket's peer, then OpenSocket, then answers
  // `opened` or closes with the error.
  void OpenAndReply(const sockaddr* resolved);
  void ReplyOpened();
  // Checks every datagram of `send`, then hands them to the kernel. False
  // when the app's send rate holds the rest of the batch (held_batch_):
  // the renderer's next request waits for it.
  bool HandleSend(uint64_t request_id, direct_sockets::v1::SendDatagrams send);
  // Hands `batch`'s datagrams over from its `next`, each datagram to a group
  // first taken from the app's SendRateLimiter. False when the bucket is
  // empty (the rate timer is armed to go on); true once all are handed over
  // (or one failed), after which the result follows when the kernel is done.
  bool SubmitBatch(SendBatch* batch);
  static void OnRateTimer(uv_timer_t* handle);
  static void OnOpenDeadline(uv_timer_t* handle);
  static void OnSent(uv_udp_send_t* req, int status);
  void FinishBatch(SendBatch* batch);
  void HandleReceiveMore(uint32_t count);
  // Sets the multicast options of the open request on the new socket.
  absl::Status ApplyMulticastOptions(int fd);
  void HandleJoin(uint64_t request_id,
                  const direct_sockets::v1::MulticastGroup& group);
  void HandleLeave(uint64_t request_id,
                   const direct_sockets::v1::MulticastGroup& group);
  // Checks a join/leave as the renderer must have; the error, if any, means
  // the renderer is broken.
  absl::StatusOr<common::MulticastMembership> CheckMembershipRequest(
      const direct_sockets::v1::MulticastGroup& group);
  // Joins or leaves in the kernel (MCAST_{JOIN,LEAVE}_{SOURCE_,}GROUP on
  // interface 0, at the group's IP level).
  absl::Status SetMembership(const common::MulticastMembership& membership,
                             bool join);
  // The renderer sent what an honest one never sends: log it and end the
  // socket's stream with `why`.
  void RejectBrokenRenderer(absl::Status why);
  void UpdateReceiving();
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnReceived(uv_udp_t* handle,
                         ssize_t nread,
                         const uv_buf_t* buf,
                         const sockaddr* addr,
                         unsigned flags);
  static void OnFlushCheck(uv_check_t* handle);
  void FlushReceived();
  void ReplyResult(uint64_t request_id, const absl::Status& status);
  // Fails the socket: the renderer sees `status` as its socket's error.
  void Fail(absl::Status status);
  static void OnHandleClosed(uv_handle_t* handle);
  void MaybeFinishClose();

  uv_loop_t* const loop_;
  std::shared_ptr<RendererStream> stream_;
  AppRegistry* const apps_;
  PolicyEnforcer* const policy_;  // Not owned.
  const std::string origin_;
  const std::set<std::string> permissions_;  // From the app's manifest.
  uint16_t local_port_ = 0;
  bool holds_app_socket_ = false;     // Counted against the app's cap.
  bool report_socket_error_ = false;  // Fail(): send socket_error at close.
  absl::AnyInvocable<void()> on_closed_;
  State state_ = State::kAwaitingOpen;
  absl::Status close_status_;

  uint64_t open_request_id_ = 0;
  direct_sockets::v1::OpenUdpSocket open_;
  Resolve* resolve_ = nullptr;  // Owned by the lookup until it calls back.

  uv_udp_t udp_;
  bool udp_initialized_ = false;
  uv_check_t flush_check_;
  uv_timer_t rate_timer_;
  uv_timer_t open_deadline_;  // Armed from construction until the open.
  // The batch the app's send rate holds (one of batches_), or null. It goes
  // with this object when the renderer goes.
  SendBatch* held_batch_ = nullptr;
  int open_handles_ = 0;  // Handles whose close callback has not run.
  int family_ = AF_UNSPEC;
  bool connected_ = false;
  // A connected socket's peer, as checked (IPv4-mapped read as IPv4).
  std::optional<common::IpAddress> peer_;
  bool ipv6_only_ = false;

  uint32_t receive_credit_ = 0;
  bool receiving_ = false;
  std::vector<char> receive_buffer_;
  direct_sockets::v1::UdpSocketEvent pending_received_;
  int pending_received_count_ = 0;

  // Memberships the kernel confirmed, in join order.
  std::vector<common::MulticastMembership> memberships_;

  size_t pending_sends_ = 0;       // Datagrams queued in libuv.
  size_t pending_send_bytes_ = 0;  // Their payload bytes.
  // Batches wait in request order so results keep the renderer's order.
  std::vector<std::unique_ptr<SendBatch>> batches_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_UDP_SOCKET_HOST_H_
