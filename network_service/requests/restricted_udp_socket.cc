#include "network_service/requests/restricted_udp_socket.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/datagram_frame.h"
#include "common/local_network_access.h"
#include "common/log_text.h"
#include "common/logging.h"
#include "common/service_status.h"
#include "network_service/audit_log.h"
#include "network_service/requests/request_validator.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

RestrictedUDPSocket::RestrictedUDPSocket(uv_loop_t* loop,
                                         std::shared_ptr<RendererStream> stream,
                                         AppRegistry* apps,
                                         PolicyEnforcer* policy,
                                         SocketFactory* sockets,
                                         AppIdentity app,
                                         absl::AnyInvocable<void()> on_closed)
    : loop_(loop),
      stream_(std::move(stream)),
      apps_(apps),
      policy_(policy),
      access_(app, policy),
      on_closed_(std::move(on_closed)),
      opener_(sockets, &access_),
      sends_(
          loop,
          apps,
          policy,
          app.origin,
          [this](uint64_t request_id, bool on_pipe, absl::Status result) {
            if (state_ == State::kOpen)
              ReplyResult(request_id, result, on_pipe);
          },
          [this] {
            if (state_ == State::kOpen && stream_held_) {
              stream_held_ = false;
              stream_->ReadNext();
            }
          }),
      receives_(loop,
                stream_.get(),
                [this](absl::Status error) { Fail(std::move(error)); }),
      memberships_(apps, policy, app.origin) {
  // A stream that never opens still costs memory: it gets a few seconds.
  uv_timer_init(loop_, &open_deadline_);
  open_deadline_.data = this;
  uv_timer_start(&open_deadline_, &RestrictedUDPSocket::OnOpenDeadline,
                 kOpenDeadlineMs, 0);
}

RestrictedUDPSocket::~RestrictedUDPSocket() = default;

void RestrictedUDPSocket::OnOpenDeadline(uv_timer_t* handle) {
  auto* socket = static_cast<RestrictedUDPSocket*>(handle->data);
  if (socket->state_ != State::kAwaitingOpen)
    return;
  socket->Close(absl::DeadlineExceededError(
      absl::StrCat("the stream sent no open request within ",
                   kOpenDeadlineMs / 1000, " seconds")));
}

void RestrictedUDPSocket::HandleRequest(v1::UDPSocketRequest request) {
  if (state_ == State::kClosing || state_ == State::kClosed)
    return;
  absl::Status unknown = CheckNoUnknownFields(request);
  if (!unknown.ok()) {
    if (state_ == State::kAwaitingOpen) {
      Close(unknown);
      return;
    }
    ReplyResult(request.request_id(), unknown);
    stream_->ReadNext();
    return;
  }
  switch (request.request_case()) {
    case v1::UDPSocketRequest::kOpen:
      if (state_ != State::kAwaitingOpen) {
        ReplyResult(request.request_id(),
                    absl::FailedPreconditionError(
                        "this stream's socket is already open; open a new "
                        "stream for another socket"));
        break;
      }
      HandleOpen(request.request_id(), request.open());
      break;
    case v1::UDPSocketRequest::kSend:
      if (!HandleSend(request.request_id(), std::move(*request.mutable_send()),
                      /*on_pipe=*/false)) {
        // Held by the app's send rate: holding the request back holds back
        // the renderer, whose next request is not read until this one is
        // handed over (the SendQueue's on_released).
        stream_held_ = true;
        return;
      }
      break;
    case v1::UDPSocketRequest::kReceiveMore:
      if (state_ == State::kOpen)  // Credit before open is meaningless.
        receives_.AddCredit(request.receive_more().num_additional_datagrams());
      break;
    case v1::UDPSocketRequest::kJoinGroup:
      HandleMembership(request.request_id(), request.join_group(),
                       /*join=*/true);
      break;
    case v1::UDPSocketRequest::kLeaveGroup:
      HandleMembership(request.request_id(), request.leave_group(),
                       /*join=*/false);
      break;
    case v1::UDPSocketRequest::REQUEST_NOT_SET:
      if (state_ == State::kAwaitingOpen) {
        Close(absl::InvalidArgumentError(
            "the first request on a socket stream must be open"));
        return;
      }
      ReplyResult(request.request_id(),
                  absl::InvalidArgumentError("request names no operation"));
      break;
  }
  if (state_ != State::kClosing && state_ != State::kClosed)
    stream_->ReadNext();
}

void RestrictedUDPSocket::HandleOpen(uint64_t request_id,
                                     const v1::OpenUDPSocket& open) {
  open_request_id_ = request_id;
  open_ = open;
  absl::Status valid = ValidateOpen(open);
  if (valid.ok())
    valid = access_.CheckManifestForOpen(open);
  if (!valid.ok()) {
    Close(valid);
    return;
  }
  if (HasMulticastOptions(open) &&
      !access_.Has(common::kDirectSocketsMulticast)) {
    // The renderer throws NotAllowedError for these: it should never ask.
    RejectBrokenRenderer(
        access_.MulticastNotGranted(" (multicast options need it)"));
    return;
  }
  absl::Status slot = apps_->AcquireSocket(access_.origin());
  if (!slot.ok()) {
    Close(slot);
    return;
  }
  holds_app_socket_ = true;
  // The admin's policy, which no renderer can bypass.
  absl::Status allowed = policy_->CheckOpen(access_.origin(), open);
  if (!allowed.ok()) {
    Close(allowed);
    return;
  }
  state_ = State::kOpening;
  opener_.Open(
      open_, &socket_, [this](absl::StatusOr<SocketOpener::Opened> opened) {
        if (!opened.ok()) {
          Close(opened.status());
          return;
        }
        peer_ = opened->peer;
        checks_.emplace(&access_,
                        SocketRequestChecks::Socket{&open_, opened->family,
                                                    opened->ipv6_only, peer_});
        ReplyOpened();
      });
}

void RestrictedUDPSocket::Describe(
    uint64_t id,
    direct_sockets::admin::v1::Socket* socket) const {
  socket->set_id(id);
  switch (state_) {
    case State::kAwaitingOpen:
    case State::kOpening:
      socket->set_state("opening");
      break;
    case State::kOpen:
      socket->set_state("open");
      break;
    case State::kClosing:
    case State::kClosed:
      socket->set_state("closing");
      break;
  }
  socket->set_opened_at(AuditLog::TimeText(created_at_));
  socket->set_age_seconds(absl::ToDoubleSeconds(absl::Now() - created_at_));
  direct_sockets::admin::v1::SocketOptions* options = socket->mutable_options();
  options->set_multicast_ttl(MulticastTtlOf(open_));
  options->set_multicast_loopback(MulticastLoopbackOf(open_));
  options->set_allow_address_sharing(open_.multicast_allow_address_sharing());
  options->set_send_buffer_size(open_.send_buffer_size());
  options->set_receive_buffer_size(open_.receive_buffer_size());
  if (state_ != State::kOpen)
    return;
  const Addresses addresses = CurrentAddresses();
  socket->set_local_address(addresses.local_address);
  socket->set_local_port(addresses.local_port);
  socket->set_remote_address(addresses.remote_address);
  socket->set_remote_port(addresses.remote_port);
  for (size_t i = 0; i < memberships_.held().size(); ++i) {
    const common::SocketMembership& held = memberships_.held()[i];
    direct_sockets::admin::v1::Membership* membership =
        socket->add_memberships();
    membership->set_group(held.group.ToString());
    if (held.source)
      membership->set_source(held.source->ToString());
    membership->set_since(AuditLog::TimeText(memberships_.joined_at()[i]));
  }
  const Traffic traffic = CurrentTraffic();
  direct_sockets::admin::v1::Counters* counters = socket->mutable_counters();
  counters->set_datagrams_in(traffic.datagrams_in);
  counters->set_bytes_in(traffic.bytes_in);
  counters->set_datagrams_out(traffic.datagrams_out);
  counters->set_bytes_out(traffic.bytes_out);
  counters->set_kernel_drops(traffic.kernel_drops);
  counters->set_held_sends(static_cast<uint32_t>(sends_.held()));
  counters->set_receive_queue_bytes(
      socket_->GetKernelQueue().receive_queue_bytes);
}

RestrictedUDPSocket::Addresses RestrictedUDPSocket::CurrentAddresses() const {
  Addresses addresses;
  sockaddr_storage address;
  const auto* addr = reinterpret_cast<const sockaddr*>(&address);
  if (socket_->GetLocalAddress(&address).ok()) {
    addresses.local_address = IpAddress::FromSockaddr(addr).ToString();
    addresses.local_port = common::SockaddrPort(addr);
  }
  if (peer_.has_value()) {
    if (socket_->GetPeerAddress(&address).ok()) {
      addresses.remote_address = IpAddress::FromSockaddr(addr).ToString();
      addresses.remote_port = common::SockaddrPort(addr);
    } else {
      // Linux has no peer name for port 0 (ENOTCONN), though the socket is
      // connected to that address.
      addresses.remote_address = peer_->ToString();
    }
  }
  return addresses;
}

Traffic RestrictedUDPSocket::CurrentTraffic() const {
  Traffic traffic;
  if (state_ != State::kOpen)
    return traffic;
  traffic.datagrams_in = receives_.datagrams();
  traffic.bytes_in = receives_.bytes();
  traffic.datagrams_out = sends_.datagrams();
  traffic.bytes_out = sends_.bytes();
  traffic.kernel_drops = socket_->GetKernelQueue().drops;
  return traffic;
}

void RestrictedUDPSocket::ReplyOpened() {
  state_ = State::kOpen;
  v1::UDPSocketEvent event;
  v1::Opened* opened = event.mutable_opened();
  opened->set_request_id(open_request_id_);
  const Addresses addresses = CurrentAddresses();
  const uint16_t local_port = addresses.local_port;
  if (!addresses.local_address.empty()) {
    opened->set_local_address(addresses.local_address);
    opened->set_local_port(local_port);
  }
  if (peer_.has_value()) {
    opened->set_remote_address(addresses.remote_address);
    opened->set_remote_port(addresses.remote_port);
  }
  // Datagrams go on the renderer's pipe when it asks and has one.
  if (open_.receive_on_pipe() && access_.datagram_pipe() != nullptr) {
    pipe_socket_id_ = access_.datagram_pipe()->NewSocketId();
    receives_.UsePipe(access_.datagram_pipe(), pipe_socket_id_);
    access_.datagram_pipe()->RegisterRequests(pipe_socket_id_, this);
    opened->set_pipe_socket_id(pipe_socket_id_);
  }
  VLOG(1) << access_.origin() << ": socket opened, local "
          << opened->local_address() << ":" << opened->local_port()
          << (peer_ ? absl::StrCat(", peer ", opened->remote_address(), ":",
                                   opened->remote_port())
                    : "");
  stream_->Write(std::move(event));
  sends_.Start(socket_.get());
  memberships_.Start(socket_.get(), local_port);
  receives_.Start(socket_.get(), peer_.has_value());
}

bool RestrictedUDPSocket::HandleSend(uint64_t request_id,
                                     v1::SendDatagrams send,
                                     bool on_pipe) {
  if (state_ != State::kOpen) {
    ReplyResult(request_id, absl::FailedPreconditionError(
                                "send before the socket is open"));
    return true;
  }
  if (send.datagrams_size() > kMaxDatagramsPerRequest) {
    sends_.Refuse(request_id, on_pipe,
                  absl::InvalidArgumentError(
                      absl::StrCat("a send carries ", send.datagrams_size(),
                                   " datagrams; the most in one request is ",
                                   kMaxDatagramsPerRequest)));
    return true;
  }
  absl::StatusOr<std::unique_ptr<CheckedSend>> checked =
      checks_->CheckSend(request_id, std::move(send));
  if (!checked.ok()) {
    sends_.Refuse(request_id, on_pipe, checked.status());
    return true;
  }
  // The request's payloads stay in memory until the kernel has them: the
  // app's budget bounds what all its sockets may hold.
  absl::Status room =
      apps_->AcquireSendBytes(access_.origin(), (*checked)->bytes);
  if (!room.ok()) {
    sends_.Refuse(request_id, on_pipe, room);
    return true;
  }
  (*checked)->on_pipe = on_pipe;
  return sends_.Submit(*std::move(checked));
}

void RestrictedUDPSocket::OnPipeSend(uint64_t request_id,
                                     v1::SendDatagrams send) {
  if (state_ != State::kOpen)
    return;  // Closing: nobody waits for the answer.
  if (sends_.unfinished() >= kMaxPipeSendsInFlight) {
    // What it holds is bounded: an honest renderer waits for results.
    RejectBrokenRenderer(absl::ResourceExhaustedError(
        absl::StrCat("more than ", kMaxPipeSendsInFlight,
                     " sends of one socket in flight on the datagram pipe")));
    return;
  }
  // Held by the app's send rate or not, it is answered in turn; the pipe
  // goes on for the channel's other sockets.
  HandleSend(request_id, std::move(send), /*on_pipe=*/true);
}

absl::StatusOr<common::SocketMembership>
RestrictedUDPSocket::CheckMembershipRequest(const v1::MulticastGroup& group) {
  if (state_ == State::kOpen)
    return checks_->CheckMembership(group);
  if (!access_.Has(common::kDirectSocketsMulticast))
    return access_.MulticastNotGranted("");
  return absl::FailedPreconditionError(
      "joinGroup/leaveGroup before the socket is open");
}

void RestrictedUDPSocket::OnPipeMembership(uint64_t request_id,
                                           bool join,
                                           v1::MulticastGroup group) {
  if (state_ != State::kOpen)
    return;  // Closing: nobody waits for the answer.
  HandleMembership(request_id, group, join, /*on_pipe=*/true);
}

void RestrictedUDPSocket::HandleMembership(uint64_t request_id,
                                           const v1::MulticastGroup& group,
                                           bool join,
                                           bool on_pipe) {
  absl::StatusOr<common::SocketMembership> membership =
      CheckMembershipRequest(group);
  absl::Status consistent =
      !membership.ok() ? membership.status()
      : join           ? memberships_.CheckJoinIsConsistent(*membership)
                       : memberships_.CheckLeaveIsConsistent(*membership);
  if (!consistent.ok()) {
    RejectBrokenRenderer(std::move(consistent));
    return;
  }
  absl::Status result =
      join ? memberships_.Join(*membership) : memberships_.Leave(*membership);
  VLOG(1) << access_.origin() << ": " << (join ? "join " : "leave ")
          << membership->ToString() << ": " << result;
  ReplyResult(request_id, result, on_pipe);
}

void RestrictedUDPSocket::RejectBrokenRenderer(absl::Status why) {
  // A hostile renderer can repeat this at will: a few lines, then counts.
  if (std::optional<uint64_t> folded =
          apps_->broken_request_log().Admit(access_.origin(), absl::Now())) {
    LOG(WARNING) << "bad request from the renderer of " << access_.origin()
                 << " (" << stream_->peer() << "); closing its socket: "
                 << common::LogSafe(why.ToString(), 512)
                 << (*folded > 0 ? absl::StrCat(" (and ", *folded,
                                                " more since the last line)")
                                 : "");
  }
  Close(std::move(why));
}

void RestrictedUDPSocket::RecheckPolicy() {
  if (state_ != State::kOpen)
    return;
  absl::Status allowed = policy_->CheckOpen(access_.origin(), open_);
  if (allowed.ok())
    allowed = memberships_.CheckPolicy();
  if (!allowed.ok()) {
    Fail(absl::UnavailableError(absl::StrCat(
        "the admin's policy changed and no longer allows this socket: ",
        allowed.message())));
  }
}

void RestrictedUDPSocket::OnOutboxDrained() {
  if (state_ == State::kOpen)
    receives_.OnOutboxDrained();
}

void RestrictedUDPSocket::ReplyResult(uint64_t request_id,
                                      const absl::Status& status,
                                      bool on_pipe) {
  v1::Status wire = common::ToWireStatus(status);
  if (on_pipe && !results_on_stream_) {
    const std::shared_ptr<DatagramPipe>& pipe = access_.datagram_pipe();
    if (pipe != nullptr &&
        pipe->TrySend(common::DatagramResult::Encode(
            pipe_socket_id_, request_id,
            status.ok() ? std::string() : wire.SerializeAsString()))) {
      return;
    }
    results_on_stream_ = true;
  }
  v1::UDPSocketEvent event;
  event.mutable_result()->set_request_id(request_id);
  *event.mutable_result()->mutable_status() = std::move(wire);
  stream_->Write(std::move(event));
}

void RestrictedUDPSocket::Fail(absl::Status status) {
  if (state_ == State::kOpen) {
    receives_.Flush();
    // Told once the socket is really closed (OnPartClosed), so that
    // whoever hears of the error finds the kernel's memberships gone.
    report_socket_error_ = true;
  }
  Close(std::move(status));
}

void RestrictedUDPSocket::OnRendererGone() {
  Close(absl::OkStatus());
}

void RestrictedUDPSocket::Close(absl::Status status) {
  if (state_ == State::kClosing || state_ == State::kClosed)
    return;
  // The app's totals keep what this socket moved.
  apps_->RetireTraffic(access_.origin(), CurrentTraffic());
  state_ = State::kClosing;
  close_status_ = std::move(status);
  opener_.Cancel();  // A lookup in progress never calls back.
  if (pipe_socket_id_ != 0)
    access_.datagram_pipe()->UnregisterRequests(pipe_socket_id_);
  // Each part calls back once closed (never inside its Close); the socket
  // cancels its queued sends first, which the SendQueue sees.
  parts_closing_ = socket_ ? 4 : 3;
  uv_close(reinterpret_cast<uv_handle_t*>(&open_deadline_),
           [](uv_handle_t* handle) {
             static_cast<RestrictedUDPSocket*>(handle->data)->OnPartClosed();
           });
  sends_.Close([this] { OnPartClosed(); });
  receives_.Close([this] { OnPartClosed(); });
  if (socket_)
    socket_->Close([this] { OnPartClosed(); });
}

void RestrictedUDPSocket::OnPartClosed() {
  if (--parts_closing_ > 0)
    return;
  state_ = State::kClosed;
  VLOG(1) << access_.origin() << ": socket closed: " << close_status_;
  // The kernel dropped the memberships with the socket.
  memberships_.ReleaseAll();
  if (holds_app_socket_)
    apps_->ReleaseSocket(access_.origin());
  holds_app_socket_ = false;
  if (report_socket_error_) {
    v1::UDPSocketEvent event;
    *event.mutable_socket_error() = common::ToWireStatus(close_status_);
    stream_->Write(std::move(event));
  }
  stream_->FinishWhenWritten(common::ToServiceGrpcStatus(close_status_));
  // The owner deletes this object later, from the loop: this may run inside
  // HandleRequest, which must not find itself deleted.
  absl::AnyInvocable<void()> on_closed = std::move(on_closed_);
  on_closed();
}

}  // namespace network_service
