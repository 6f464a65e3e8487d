#include "renderer/udp_socket.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "common/local_network_access.h"
#include "common/service_status.h"
#include "common/socket_limits.h"

namespace renderer {

namespace v1 = ::direct_sockets::v1;

ScriptErrorOr<std::shared_ptr<UDPSocket>> UDPSocket::Create(
    NetworkServiceConnection* connection,
    const UDPSocketOptions& options) {
  // Direct Sockets spec, constructor steps 1-2: the permissions policy.
  if (!connection->HasPermission("direct-sockets")) {
    return ScriptError::DomException(
        "NotAllowedError",
        "Failed to construct 'UDPSocket': Permissions-Policy: direct-sockets "
        "are disabled.");
  }
  ScriptErrorOr<v1::OpenUDPSocket> request = BuildOpenRequest(
      options, connection->HasPermission("direct-sockets-multicast"));
  if (!request.ok()) {
    // Blink's form for what a constructor throws.
    return request.error().Prefixed("Failed to construct 'UDPSocket': ");
  }
  const bool connected = request->has_connected();
  const bool ipv6_only = !connected && request->bound().has_ipv6_only() &&
                         request->bound().ipv6_only();
  std::shared_ptr<UDPSocket> socket(
      new UDPSocket(connection, connected, ipv6_only));
  // Checked "in parallel" by the spec: it rejects `opened`, not throws.
  std::optional<ScriptError> refusal;
  if (!connected && !connection->HasPermission(common::kLocalNetwork)) {
    // Local Network Access, in Chrome 156's words.
    refusal = ScriptError::DomException("InvalidAccessError",
                                        "Access to local network is blocked.");
  } else if (!connected && request->bound().local_port() != 0 &&
             request->bound().local_port() < common::kFirstUnprivilegedPort) {
    // Chrome 156's answer for a privileged port (the service refuses it
    // too).
    refusal = ScriptError::DomException(
        "InvalidAccessError",
        "Access to the requested host or port is blocked.");
  }
  socket->Open(std::move(request).value(), std::move(refusal));
  return socket;
}

UDPSocket::UDPSocket(NetworkServiceConnection* connection,
                     bool connected,
                     bool ipv6_only)
    : connection_(connection),
      connected_(connected),
      ipv6_only_(ipv6_only),
      send_paths_({
          [this](uint64_t id, const v1::SendDatagrams& batch) {
            return SendOnPipe(id, batch);
          },
          [this](uint64_t id, v1::SendDatagrams batch) {
            v1::UDPSocketRequest request;
            request.set_request_id(id);
            *request.mutable_send() = std::move(batch);
            stream_->Write(std::move(request));
          },
          [this] { return CanSend(); },
      }),
      membership_paths_({
          [this](uint64_t id, const Membership& membership) {
            return MembershipOnPipe(id, membership);
          },
          [this](uint64_t id, Membership membership) {
            MembershipOnStream(id, std::move(membership));
          },
          [this] { return CanSend(); },
      }) {}

UDPSocket::~UDPSocket() {
  LeavePipe();
  if (readable_)
    readable_->Detach();
  if (writable_)
    writable_->Detach();
  if (multicast_controller_)
    multicast_controller_->OnSocketClosed();
  if (stream_ && !ended_)
    stream_->Cancel();
}

void UDPSocket::Open(v1::OpenUDPSocket request,
                     std::optional<ScriptError> refusal) {
  std::weak_ptr<UDPSocket> weak = weak_from_this();
  if (refusal) {
    // Settle on a later task, as the spec queues it.
    connection_->loop()->PostTask([weak, error = *refusal] {
      if (auto self = weak.lock())
        self->Fail(error);
    });
    return;
  }
  stream_ = connection_->OpenSocketStream(
      [weak](v1::UDPSocketEvent event) {
        if (auto self = weak.lock())
          self->OnEvent(std::move(event));
      },
      [weak](grpc::Status status) {
        if (auto self = weak.lock())
          self->OnStreamDone(status);
      });
  // Datagrams come on the pipe, past gRPC, when the host gave us one.
  request.set_receive_on_pipe(connection_->datagram_pipe() != nullptr);
  v1::UDPSocketRequest open;
  open.set_request_id(NextRequestId());
  *open.mutable_open() = std::move(request);
  stream_->Write(std::move(open));
}

Promise<Undefined> UDPSocket::close() {
  if (opened_.is_rejected())
    return closed_;  // Rejected with what `opened` was.
  if (!opened_.is_fulfilled()) {
    return Promise<Undefined>::Rejected(ScriptError::DomException(
        "InvalidStateError",
        "Failed to execute 'close' on 'UDPSocket': Socket is not properly "
        "initialized."));
  }
  if (closed_.is_settled())
    return closed_;
  readable_->Cancel();
  writable_->Abort();
  return closed_;
}

void UDPSocket::OnEvent(v1::UDPSocketEvent event) {
  // Datagrams the service sent before this event come first.
  DrainPipe();
  switch (event.event_case()) {
    case v1::UDPSocketEvent::kOpened:
      OnOpened(event.opened());
      break;
    case v1::UDPSocketEvent::kResult: {
      const absl::Status status =
          common::FromWireStatus(event.result().status());
      OnRequestResult(event.result().request_id(), status);
      break;
    }
    case v1::UDPSocketEvent::kReceived:
      if (!readable_)
        break;
      for (v1::Datagram& datagram :
           *event.mutable_received()->mutable_datagrams()) {
        UDPMessage message;
        const std::string& data = datagram.data();
        const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
        message.data.assign(bytes, bytes + data.size());
        if (!connected_) {
          message.remoteAddress = datagram.remote_address();
          message.remotePort = datagram.remote_port();
        }
        readable_->Enqueue(std::move(message));
      }
      break;
    case v1::UDPSocketEvent::kSocketError: {
      Fail(ScriptError::FromStatus(
          common::FromWireStatus(event.socket_error())));
      break;
    }
    case v1::UDPSocketEvent::EVENT_NOT_SET:
      break;
  }
}

void UDPSocket::OnOpened(const v1::Opened& opened) {
  if (opened_.is_settled())
    return;
  if (opened.pipe_socket_id() != 0 && connection_->datagram_pipe()) {
    pipe_ = connection_->datagram_pipe();
    pipe_socket_id_ = opened.pipe_socket_id();
    pipe_->Register(pipe_socket_id_, this);
  }
  readable_ = std::make_shared<UDPReadableStream>(
      static_cast<UDPReadableStream::Source*>(this));
  writable_ = std::make_shared<UDPWritableStream>(
      static_cast<UDPWritableStream::Sink*>(this), connected_);
  UDPSocketOpenInfo info;
  info.readable = readable_;
  info.writable = writable_;
  info.localAddress = opened.local_address();
  info.localPort = static_cast<uint16_t>(opened.local_port());
  if (connected_) {
    info.remoteAddress = opened.remote_address();
    info.remotePort = static_cast<uint16_t>(opened.remote_port());
  } else if (connection_->HasPermission("direct-sockets-multicast")) {
    // The controller exists only for apps allowed multicast.
    std::optional<common::IpAddress> local =
        common::IpAddress::Parse(opened.local_address());
    common::MulticastSocketFamily family;
    family.ipv6 = local && local->is_ipv6();
    family.dual_stack = family.ipv6 && local->IsUnspecified() && !ipv6_only_;
    multicast_controller_ = std::make_shared<MulticastController>(
        static_cast<MulticastController::Delegate*>(this), family);
    info.multicastController = multicast_controller_;
  }
  readable_->Start();
  opened_.Resolve(std::move(info));
}

void UDPSocket::OnStreamDone(const grpc::Status& status) {
  DrainPipe();
  LeavePipe();
  ended_ = true;
  if (status.ok() && closing_) {
    closed_.Resolve({});
    return;
  }
  if (status.ok()) {
    Fail(ScriptError::DomException("NetworkError",
                                   "the network service closed the socket"));
    return;
  }
  const absl::StatusCode code = common::FromGrpcCode(status.error_code());
  std::string message = status.error_message();
  std::optional<absl::Status> from_service =
      common::FromServiceGrpcStatus(status);
  if (from_service) {
    Fail(ScriptError::FromStatus(*from_service));
    return;
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::CANCELLED) {
    // The service is not running, died, or dropped us.
    message = absl::StrCat(opened_.is_settled()
                               ? "lost the network service at "
                               : "cannot reach the network service at ",
                           connection_->target(), ": ", message);
    Fail(ScriptError::DomException("NetworkError", message));
    return;
  }
  Fail(ScriptError::FromStatus(absl::Status(code, message)));
}

void UDPSocket::Fail(const ScriptError& error) {
  LeavePipe();
  opened_.Reject(error);  // No-op once fulfilled.
  if (multicast_controller_)
    multicast_controller_->OnSocketClosed();
  if (readable_)
    readable_->Error(error);
  if (writable_)
    writable_->Error(error);
  closed_.Reject(error);
  if (stream_ && !ended_) {
    stream_->Cancel();
  }
}

void UDPSocket::MaybeCloseSocket() {
  if (closing_ || !readable_ || !writable_)
    return;
  const bool readable_done = readable_->is_closed() || readable_->is_errored();
  const bool writable_done = writable_->is_closed() || writable_->is_errored();
  if (!readable_done || !writable_done)
    return;
  if (readable_->is_errored() || writable_->is_errored()) {
    const ScriptError error = writable_->is_errored()
                                  ? *writable_->stored_error()
                                  : *readable_->stored_error();
    Fail(error);
    return;
  }
  closing_ = true;
  // Joins and leaves still on their way are abandoned, as when Blink drops
  // the pipe.
  if (multicast_controller_)
    multicast_controller_->OnSocketClosed();
  if (stream_ && !ended_)
    stream_->WritesDone();
}

void UDPSocket::OnPipeDatagram(absl::string_view data, const sockaddr* from) {
  if (!readable_)
    return;
  UDPMessage message;
  // As bytes, so that it is one memmove, not a loop converting each char.
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  message.data.assign(bytes, bytes + data.size());
  if (!connected_ && from != nullptr) {
    std::array<uint8_t, 16> address{};
    if (from->sa_family == AF_INET6) {
      std::memcpy(address.data(),
                  &reinterpret_cast<const sockaddr_in6*>(from)->sin6_addr, 16);
    } else {
      std::memcpy(address.data(),
                  &reinterpret_cast<const sockaddr_in*>(from)->sin_addr, 4);
    }
    // Same sender as the last datagram (port aside): the same text.
    if (last_sender_text_.empty() || from->sa_family != last_sender_family_ ||
        address != last_sender_address_) {
      last_sender_family_ = from->sa_family;
      last_sender_address_ = address;
      last_sender_text_ = common::IpAddress::FromSockaddr(from).ToString();
    }
    message.remoteAddress = last_sender_text_;
    message.remotePort = common::SockaddrPort(from);
  }
  readable_->Enqueue(std::move(message));
}

void UDPSocket::DrainPipe() {
  if (pipe_)
    pipe_->Drain();
}

void UDPSocket::LeavePipe() {
  if (!pipe_)
    return;
  pipe_->Unregister(pipe_socket_id_);
  pipe_.reset();
}

void UDPSocket::ReceiveMore(uint32_t count) {
  if (!stream_ || ended_)
    return;
  // On the pipe when the socket's datagrams come there: no gRPC threads.
  if (pipe_ && pipe_->SendCredit(pipe_socket_id_, count))
    return;
  v1::UDPSocketRequest request;
  request.set_request_id(NextRequestId());
  request.mutable_receive_more()->set_num_additional_datagrams(count);
  stream_->Write(std::move(request));
}

void UDPSocket::OnReadableClosed() {
  MaybeCloseSocket();
}

uint64_t UDPSocket::SendBatch(v1::SendDatagrams batch) {
  const uint64_t id = NextRequestId();
  send_paths_.Send(id, std::move(batch));
  return id;
}

bool UDPSocket::SendOnPipe(uint64_t request_id,
                           const v1::SendDatagrams& batch) {
  if (!pipe_)
    return false;
  send_frame_.Begin(common::DatagramFrame::Kind::kSend, pipe_socket_id_,
                    request_id);
  sockaddr_storage to{};
  for (const v1::Datagram& datagram : batch.datagrams()) {
    const sockaddr* peer = nullptr;
    if (!datagram.remote_address().empty()) {
      // The writable checked it is an IP literal; a frame carries it as
      // bytes, which the service reads back as the same address.
      std::optional<common::IpAddress> address =
          common::IpAddress::Parse(datagram.remote_address());
      if (!address)
        return false;
      address->ToSockaddr(static_cast<uint16_t>(datagram.remote_port()), &to);
      peer = reinterpret_cast<const sockaddr*>(&to);
    }
    if (!send_frame_.Add(datagram.data(), peer))
      return false;
  }
  return pipe_->SendMessage(send_frame_.bytes());
}

void UDPSocket::OnPipeResult(uint64_t request_id, absl::string_view status) {
  v1::Status wire;
  if (!status.empty() &&
      !wire.ParseFromArray(status.data(), static_cast<int>(status.size()))) {
    wire.set_code(static_cast<int>(absl::StatusCode::kInternal));
    wire.set_message("the network service sent a result that does not read");
  }
  OnRequestResult(request_id, common::FromWireStatus(wire));
}

void UDPSocket::OnRequestResult(uint64_t request_id,
                                const absl::Status& status) {
  if (multicast_controller_ &&
      multicast_controller_->OnResult(request_id, status)) {
    membership_paths_.OnResult(request_id);
    return;
  }
  // Results of one kind come in request order, whichever way each came.
  send_paths_.OnResult(request_id);
  if (writable_)
    writable_->OnSendResult(request_id, status);
}

uint64_t UDPSocket::SendMembershipRequest(bool join, v1::MulticastGroup group) {
  const uint64_t id = NextRequestId();
  membership_paths_.Send(id, Membership{join, std::move(group)});
  return id;
}

bool UDPSocket::MembershipOnPipe(uint64_t request_id,
                                 const Membership& membership) {
  return pipe_ && pipe_->SendMessage(common::DatagramMembership::Encode(
                      pipe_socket_id_, request_id, membership.join,
                      membership.group.SerializeAsString()));
}

void UDPSocket::MembershipOnStream(uint64_t request_id, Membership membership) {
  v1::UDPSocketRequest request;
  request.set_request_id(request_id);
  if (membership.join) {
    *request.mutable_join_group() = std::move(membership.group);
  } else {
    *request.mutable_leave_group() = std::move(membership.group);
  }
  stream_->Write(std::move(request));
}

void UDPSocket::OnWritableClosed() {
  MaybeCloseSocket();
}

}  // namespace renderer
