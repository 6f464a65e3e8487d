#include "network_service/udp_socket_host.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "common/local_network_access.h"
#include "common/log_text.h"
#include "common/service_status.h"
#include "common/socket_limits.h"
#include "network_service/request_validator.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

namespace {

// linux/in6.h's IPV6_MULTICAST_ALL (Linux 4.20), which glibc 2.36's
// <netinet/in.h> does not name.
constexpr int kIpv6MulticastAll = 29;

std::string UvErrorText(int error) {
  return absl::StrCat(uv_strerror(error), " (", uv_err_name(error), ")");
}

// An OS failure: the renderer sees NetworkError.
absl::Status OsError(absl::string_view what, int error) {
  return absl::UnavailableError(absl::StrCat(what, ": ", UvErrorText(error)));
}

std::string Endpoint(const sockaddr* addr) {
  return common::EndpointText(IpAddress::FromSockaddr(addr),
                              common::SockaddrPort(addr));
}

}  // namespace

struct UdpSocketHost::Resolve {
  uv_getaddrinfo_t request;
  UdpSocketHost* host;  // Null once the host has gone away.
};

struct UdpSocketHost::SendBatch {
  UdpSocketHost* host;
  uint64_t request_id;
  v1::SendDatagrams datagrams;  // Keeps the payloads alive for libuv.
  std::vector<std::optional<Destination>> destinations;
  // Which datagrams count against the app's multicast send rate.
  std::vector<bool> to_group;
  std::vector<uv_udp_send_t> requests;
  int next = 0;            // The first datagram not yet handed to the kernel.
  bool submitted = false;  // Every datagram handed over (or an error).
  size_t in_flight = 0;
  size_t app_bytes = 0;  // Counted against the app's send budget.
  absl::Status first_error;
};

UdpSocketHost::UdpSocketHost(uv_loop_t* loop,
                             std::shared_ptr<RendererStream> stream,
                             AppRegistry* apps,
                             PolicyEnforcer* policy,
                             AppIdentity app,
                             absl::AnyInvocable<void()> on_closed)
    : loop_(loop),
      stream_(std::move(stream)),
      apps_(apps),
      policy_(policy),
      origin_(std::move(app.origin)),
      permissions_(std::move(app.permissions)),
      on_closed_(std::move(on_closed)) {
  // A stream that never opens still costs memory: it gets a few seconds.
  uv_timer_init(loop_, &open_deadline_);
  open_deadline_.data = this;
  ++open_handles_;
  uv_timer_start(&open_deadline_, &UdpSocketHost::OnOpenDeadline,
                 kOpenDeadlineMs, 0);
}

void UdpSocketHost::OnOpenDeadline(uv_timer_t* handle) {
  auto* host = static_cast<UdpSocketHost*>(handle->data);
  if (host->state_ != State::kAwaitingOpen)
    return;
  host->Close(absl::DeadlineExceededError(
      absl::StrCat("the stream sent no open request within ",
                   kOpenDeadlineMs / 1000, " seconds")));
}

UdpSocketHost::~UdpSocketHost() {
  for (const std::unique_ptr<SendBatch>& batch : batches_)
    apps_->ReleaseSendBytes(origin_, batch->app_bytes);
  if (resolve_ != nullptr)
    resolve_->host = nullptr;
}

void UdpSocketHost::HandleRequest(v1::UdpSocketRequest request) {
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
    case v1::UdpSocketRequest::kOpen:
      if (state_ != State::kAwaitingOpen) {
        ReplyResult(request.request_id(),
                    absl::FailedPreconditionError(
                        "this stream's socket is already open; open a new "
                        "stream for another socket"));
        break;
      }
      HandleOpen(request.request_id(), request.open());
      break;
    case v1::UdpSocketRequest::kSend:
      if (!HandleSend(request.request_id(),
                      std::move(*request.mutable_send()))) {
        // Held by the app's send rate: holding the request back holds back
        // the renderer, whose next request is not read until this one is
        // handed over (OnRateTimer).
        return;
      }
      break;
    case v1::UdpSocketRequest::kReceiveMore:
      HandleReceiveMore(request.receive_more().num_additional_datagrams());
      break;
    case v1::UdpSocketRequest::kJoinGroup:
      HandleJoin(request.request_id(), request.join_group());
      break;
    case v1::UdpSocketRequest::kLeaveGroup:
      HandleLeave(request.request_id(), request.leave_group());
      break;
    case v1::UdpSocketRequest::REQUEST_NOT_SET:
      if (state_ == State::kAwaitingOpen) {
        Close(absl::InvalidArgumentError(
            "the first request on a socket stream must be open"));
        return;
      }
      ReplyResult(request.request_id(),
                  absl::InvalidArgumentError("request names no operation"));
      break;
  }
  if (state_ != State::kClosing && state_ != State::kClosed) {
    stream_->ReadNext();
  }
}

void UdpSocketHost::HandleOpen(uint64_t request_id,
                               const v1::OpenUdpSocket& open) {
  open_request_id_ = request_id;
  open_ = open;
  absl::Status valid = ValidateOpen(open);
  if (!valid.ok()) {
    Close(valid);
    return;
  }
  // The app's manifest (permissions policy), as the host reported it.
  auto lacks = [this](const char* feature) {
    return !common::HasFeature(permissions_, feature);
  };
  auto not_granted = [this](const char* feature, const char* why) {
    return absl::PermissionDeniedError(absl::StrCat(
        origin_, ": the app's manifest does not grant ", feature, why));
  };
  if (lacks(common::kDirectSockets)) {
    Close(not_granted(common::kDirectSockets, ""));
    return;
  }
  if (open.has_bound() && lacks(common::kLocalNetwork)) {
    // Local Network Access, as Chrome 156 asks of every bound socket.
    Close(not_granted(common::kLocalNetwork,
                      " (a bound socket needs it; direct-sockets-private is "
                      "its older name)"));
    return;
  }
  if (HasMulticastOptions(open) && lacks(common::kDirectSocketsMulticast)) {
    // The renderer throws NotAllowedError for these: it should never ask.
    RejectBrokenRenderer(not_granted("direct-sockets-multicast",
                                     " (multicast options need it)"));
    return;
  }
  absl::Status slot = apps_->AcquireSocket(origin_);
  if (!slot.ok()) {
    Close(slot);
    return;
  }
  holds_app_socket_ = true;
  // The admin's policy, which no renderer can bypass.
  absl::Status allowed = policy_->CheckOpen(origin_, open);
  if (!allowed.ok()) {
    Close(allowed);
    return;
  }
  // The address to bind (bound mode) or connect to (connected mode), when
  // it is a literal (read as Chromium reads it, the same reading the
  // renderer made); a host name is resolved first.
  const std::string& literal = open.has_bound()
                                   ? open.bound().local_address()
                                   : open.connected().remote_address();
  const uint32_t port = open.has_bound() ? open.bound().local_port()
                                         : open.connected().remote_port();
  if (std::optional<IpAddress> ip = IpAddress::Parse(literal)) {
    sockaddr_storage address;
    ip->Unmapped().ToSockaddr(static_cast<uint16_t>(port), &address);
    OpenAndReply(reinterpret_cast<sockaddr*>(&address));
    return;
  }
  const v1::ConnectedMode& connected = open.connected();
  // A host name: resolve it here, in the process that may use the network.
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_protocol = IPPROTO_UDP;
  hints.ai_family =
      connected.dns_query_type() == v1::DNS_QUERY_TYPE_IPV4   ? AF_INET
      : connected.dns_query_type() == v1::DNS_QUERY_TYPE_IPV6 ? AF_INET6
                                                              : AF_UNSPEC;
  // With no family asked for, skip families this host has no address of;
  // an explicit dnsQueryType is honoured as asked.
  hints.ai_flags = hints.ai_family == AF_UNSPEC ? AI_ADDRCONFIG : 0;
  resolve_ = new Resolve{{}, this};
  resolve_->request.data = resolve_;
  const std::string service = std::to_string(connected.remote_port());
  int error = uv_getaddrinfo(
      loop_, &resolve_->request, &UdpSocketHost::OnResolved,
      connected.remote_address().c_str(), service.c_str(), &hints);
  if (error != 0) {
    delete resolve_;
    resolve_ = nullptr;
    Close(
        OsError(absl::StrCat("resolving ", connected.remote_address()), error));
    return;
  }
  state_ = State::kResolving;
}

void UdpSocketHost::OnResolved(uv_getaddrinfo_t* req,
                               int status,
                               addrinfo* res) {
  std::unique_ptr<Resolve> resolve(static_cast<Resolve*>(req->data));
  UdpSocketHost* host = resolve->host;
  if (host == nullptr) {
    uv_freeaddrinfo(res);
    return;
  }
  host->resolve_ = nullptr;
  if (host->state_ != State::kResolving) {
    uv_freeaddrinfo(res);
    host->MaybeFinishClose();
    return;
  }
  const std::string& name = host->open_.connected().remote_address();
  if (status != 0 || res == nullptr) {
    uv_freeaddrinfo(res);
    host->Close(absl::NotFoundError(
        absl::StrCat("could not resolve host name ", name, ": ",
                     status != 0 ? UvErrorText(status) : "no address")));
    return;
  }
  host->OpenAndReply(res->ai_addr);
  uv_freeaddrinfo(res);
}

absl::Status UdpSocketHost::CheckPeer(const IpAddress& peer, uint16_t port) {
  const char* local_feature = common::FeatureToReach(peer);
  if (connected_or_connecting() && local_feature != nullptr) {
    // Local Network Access: a connected socket to a loopback or private
    // address needs the feature and the private-network policy. (A bound
    // socket needed both to open.)
    if (!common::HasFeature(permissions_, local_feature)) {
      return absl::PermissionDeniedError(
          absl::StrCat(origin_, ": the app's manifest does not grant ",
                       local_feature, ", which a socket to ", peer.ToString(),
                       " needs (direct-sockets-private is its older name)"));
    }
    return policy_->CheckPrivatePeer(origin_, peer, port);
  }
  if (peer.IsMulticast()) {
    if (!common::HasFeature(permissions_, common::kDirectSocketsMulticast)) {
      return absl::PermissionDeniedError(absl::StrCat(
          origin_,
          ": the app's manifest does not grant "
          "direct-sockets-multicast, which sending to a multicast group (",
          peer.ToString(), ") needs"));
    }
    return policy_->CheckSend(origin_, peer, port, open_);
  }
  return absl::OkStatus();
}

void UdpSocketHost::OpenAndReply(const sockaddr* resolved) {
  sockaddr_storage storage;
  const sockaddr* address = resolved;
  if (open_.has_connected()) {
    // Decided on the address the socket will really use: after DNS, in the
    // form the kernel reads (an IPv4-mapped peer is its IPv4 address).
    const IpAddress peer = IpAddress::FromSockaddr(resolved).Unmapped();
    const uint16_t port = common::SockaddrPort(resolved);
    absl::Status allowed = CheckPeer(peer, port);
    if (!allowed.ok()) {
      Close(allowed);
      return;
    }
    peer_ = peer;
    peer.ToSockaddr(port, &storage);
    address = reinterpret_cast<const sockaddr*>(&storage);
  }
  absl::Status opened = OpenSocket(address);
  if (!opened.ok()) {
    Close(opened);
    return;
  }
  ReplyOpened();
}

absl::Status UdpSocketHost::OpenSocket(const sockaddr* address) {
  family_ = address->sa_family;
  connected_ = open_.has_connected();
  int error = uv_udp_init_ex(loop_, &udp_, family_);
  if (error != 0)
    return OsError("creating a UDP socket", error);
  udp_initialized_ = true;
  ++open_handles_;
  udp_.data = this;
  uv_check_init(loop_, &flush_check_);
  flush_check_.data = this;
  ++open_handles_;
  uv_timer_init(loop_, &rate_timer_);
  rate_timer_.data = this;
  ++open_handles_;

  uv_os_fd_t fd;
  uv_fileno(reinterpret_cast<uv_handle_t*>(&udp_), &fd);
  // Buffer sizes before bind, as Chromium orders its options.
  if (open_.send_buffer_size() != 0) {
    int size = static_cast<int>(
        std::min(open_.send_buffer_size(), common::kMaxSocketBufferSize));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) != 0) {
      return OsError("setting sendBufferSize", uv_translate_sys_error(errno));
    }
  }
  if (open_.receive_buffer_size() != 0) {
    int size = static_cast<int>(
        std::min(open_.receive_buffer_size(), common::kMaxSocketBufferSize));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) != 0) {
      return OsError("setting receiveBufferSize",
                     uv_translate_sys_error(errno));
    }
  }
  absl::Status multicast = ApplyMulticastOptions(fd);
  if (!multicast.ok())
    return multicast;
  if (connected_) {
    error = uv_udp_connect(&udp_, address);
    if (error != 0) {
      return OsError(absl::StrCat("connecting to ", Endpoint(address)), error);
    }
  } else {
    unsigned flags = 0;
    if (open_.bound().has_ipv6_only()) {
      ipv6_only_ = open_.bound().ipv6_only();
      if (ipv6_only_) {
        flags |= UV_UDP_IPV6ONLY;
      } else {
        int off = 0;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
      }
    }
    error = uv_udp_bind(&udp_, address, flags);
    if (error != 0) {
      return OsError(absl::StrCat("binding ", Endpoint(address)), error);
    }
  }
  return absl::OkStatus();
}

void UdpSocketHost::ReplyOpened() {
  state_ = State::kOpen;
  v1::UdpSocketEvent event;
  v1::Opened* opened = event.mutable_opened();
  opened->set_request_id(open_request_id_);
  sockaddr_storage address;
  int length = sizeof(address);
  if (uv_udp_getsockname(&udp_, reinterpret_cast<sockaddr*>(&address),
                         &length) == 0) {
    const auto* addr = reinterpret_cast<const sockaddr*>(&address);
    opened->set_local_address(IpAddress::FromSockaddr(addr).ToString());
    local_port_ = common::SockaddrPort(addr);
    opened->set_local_port(local_port_);
  }
  length = sizeof(address);
  if (connected_ &&
      uv_udp_getpeername(&udp_, reinterpret_cast<sockaddr*>(&address),
                         &length) == 0) {
    const auto* addr = reinterpret_cast<const sockaddr*>(&address);
    opened->set_remote_address(IpAddress::FromSockaddr(addr).ToString());
    opened->set_remote_port(common::SockaddrPort(addr));
  }
  stream_->Write(std::move(event));
}

void UdpSocketHost::OnRateTimer(uv_timer_t* handle) {
  auto* host = static_cast<UdpSocketHost*>(handle->data);
  SendBatch* held = host->held_batch_;
  if (held == nullptr || host->state_ != State::kOpen)
    return;
  if (host->SubmitBatch(held)) {
    host->held_batch_ = nullptr;
    host->stream_->ReadNext();
  }
}

bool UdpSocketHost::HandleSend(uint64_t request_id, v1::SendDatagrams send) {
  if (state_ != State::kOpen) {
    ReplyResult(request_id, absl::FailedPreconditionError(
                                "send before the socket is open"));
    return true;
  }
  if (send.datagrams_size() > kMaxDatagramsPerRequest) {
    ReplyResult(request_id, absl::InvalidArgumentError(absl::StrCat(
                                "a send carries ", send.datagrams_size(),
                                " datagrams; the most in one request is ",
                                kMaxDatagramsPerRequest)));
    return true;
  }
  auto batch = std::make_unique<SendBatch>();
  batch->host = this;
  batch->request_id = request_id;
  // Check every datagram before sending any: a bad request sends nothing.
  batch->destinations.reserve(send.datagrams_size());
  size_t bytes = 0;
  for (const v1::Datagram& datagram : send.datagrams()) {
    bytes += datagram.data().size();
    absl::StatusOr<std::optional<Destination>> destination =
        ValidateDatagram(datagram, connected_, family_, ipv6_only_);
    if (!destination.ok()) {
      ReplyResult(request_id, destination.status());
      return true;
    }
    // Every destination of a bound socket is decided as a connected
    // socket's peer is (a connected socket's was, at open).
    const IpAddress to =
        connected_ ? *peer_
                   : IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(
                                                 &(*destination)->address))
                         .Unmapped();
    if (!connected_) {
      absl::Status allowed =
          CheckPeer(to, static_cast<uint16_t>(datagram.remote_port()));
      if (!allowed.ok()) {
        ReplyResult(request_id, allowed);
        return true;
      }
    }
    batch->destinations.push_back(*std::move(destination));
    batch->to_group.push_back(to.IsMulticast());
  }
  // The request's payloads stay in memory until the kernel has them: the
  // app's budget bounds what all its sockets may hold (a held batch, or
  // datagrams libuv queues).
  absl::Status room = apps_->AcquireSendBytes(origin_, bytes);
  if (!room.ok()) {
    ReplyResult(request_id, room);
    return true;
  }
  batch->app_bytes = bytes;
  batch->datagrams = std::move(send);
  batch->requests.resize(batch->datagrams.datagrams_size());
  SendBatch* submitting = batch.get();
  batches_.push_back(std::move(batch));
  if (SubmitBatch(submitting))
    return true;
  held_batch_ = submitting;
  return false;
}

bool UdpSocketHost::SubmitBatch(SendBatch* batch) {
  const int count = batch->datagrams.datagrams_size();
  const SendRateLimiter::Rate limit = policy_->RateFor(origin_);
  for (; batch->next < count; ++batch->next) {
    const int i = batch->next;
    const std::string& data = batch->datagrams.datagrams(i).data();
    if (batch->to_group[i]) {
      // Charged before it is sent; the rest of the batch waits for the
      // app's bucket (shared by all its sockets).
      const uint64_t wait = apps_->SendRateOf(origin_, uv_now(loop_))
                                .TryTake(limit, data.size(), uv_now(loop_));
      if (wait > 0) {
        uv_timer_start(&rate_timer_, &UdpSocketHost::OnRateTimer, wait, 0);
        return false;
      }
    }
    uv_buf_t buf = uv_buf_init(const_cast<char*>(data.data()),
                               static_cast<unsigned>(data.size()));
    const sockaddr* to = batch->destinations[i]
                             ? reinterpret_cast<const sockaddr*>(
                                   &batch->destinations[i]->address)
                             : nullptr;
    // try_send keeps order: it refuses (EAGAIN) while libuv has a queue.
    int sent = uv_udp_try_send(&udp_, &buf, 1, to);
    if (sent >= 0)
      continue;
    if (sent != UV_EAGAIN) {
      batch->first_error = OsError(
          absl::StrCat("sending datagram ", i + 1, " of ", count), sent);
      break;
    }
    if (pending_sends_ >= kMaxPendingSends ||
        pending_send_bytes_ + data.size() > kMaxPendingSendBytes) {
      batch->first_error = absl::ResourceExhaustedError(absl::StrCat(
          "the socket's send queue is full (", pending_sends_, " datagrams, ",
          pending_send_bytes_, " bytes; the most is ", kMaxPendingSends, " or ",
          kMaxPendingSendBytes,
          " bytes); wait for writes to finish before writing more"));
      break;
    }
    uv_udp_send_t* req = &batch->requests[i];
    req->data = batch;
    int error = uv_udp_send(req, &udp_, &buf, 1, to, &UdpSocketHost::OnSent);
    if (error != 0) {
      batch->first_error = OsError("queueing a datagram", error);
      break;
    }
    ++batch->in_flight;
    ++pending_sends_;
    pending_send_bytes_ += data.size();
  }
  batch->next = count;
  batch->submitted = true;
  if (batch->in_flight == 0)
    FinishBatch(batch);
  return true;
}

void UdpSocketHost::OnSent(uv_udp_send_t* req, int status) {
  auto* batch = static_cast<SendBatch*>(req->data);
  UdpSocketHost* host = batch->host;
  const size_t size =
      batch->datagrams.datagrams(static_cast<int>(req - batch->requests.data()))
          .data()
          .size();
  --host->pending_sends_;
  host->pending_send_bytes_ -= size;
  --batch->in_flight;
  if (status != 0 && status != UV_ECANCELED && batch->first_error.ok()) {
    batch->first_error = OsError("sending a datagram", status);
  }
  if (batch->in_flight == 0 && batch->submitted)
    host->FinishBatch(batch);
}

void UdpSocketHost::FinishBatch(SendBatch* batch) {
  apps_->ReleaseSendBytes(origin_, batch->app_bytes);
  batch->app_bytes = 0;
  if (state_ == State::kOpen) {
    ReplyResult(batch->request_id, batch->first_error);
  }
  batches_.erase(
      std::find_if(batches_.begin(), batches_.end(),
                   [batch](const auto& b) { return b.get() == batch; }));
}

absl::Status UdpSocketHost::ApplyMulticastOptions(int fd) {
  auto set = [fd](int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
      return OsError(absl::StrCat("setting ", what),
                     uv_translate_sys_error(errno));
    }
    return absl::OkStatus();
  };
  // A socket receives only the groups it joined: with IP_MULTICAST_ALL on
  // (Linux's default) a socket bound to a port gets every group any
  // process on the machine joined on that port, whatever the policy's
  // receive_groups say.
  absl::Status only_joined =
      set(IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
  if (only_joined.ok() && family_ == AF_INET6) {
    only_joined = set(IPPROTO_IPV6, kIpv6MulticastAll, 0, "IPV6_MULTICAST_ALL");
  }
  if (!only_joined.ok())
    return only_joined;
  // Before bind, as Chromium orders them: sharing first.
  if (open_.multicast_allow_address_sharing()) {
    absl::Status reuse =
        set(SOL_SOCKET, SO_REUSEADDR, 1, "multicastAllowAddressSharing");
    if (reuse.ok()) {
      reuse = set(SOL_SOCKET, SO_REUSEPORT, 1, "multicastAllowAddressSharing");
    }
    if (!reuse.ok())
      return reuse;
  }
  // The spec's defaults are Linux's (TTL 1, loopback on); set them anyway so
  // the socket does not depend on system settings.
  const int ttl = static_cast<int>(MulticastTtlOf(open_));
  const int loop = MulticastLoopbackOf(open_) ? 1 : 0;
  // An IPv6 socket may carry IPv4 too (dual-stack): set both levels there.
  absl::Status status =
      set(IPPROTO_IP, IP_MULTICAST_TTL, ttl, "multicastTimeToLive");
  if (status.ok()) {
    status = set(IPPROTO_IP, IP_MULTICAST_LOOP, loop, "multicastLoopback");
  }
  if (status.ok() && family_ == AF_INET6) {
    status = set(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl, "multicastTimeToLive");
    if (status.ok()) {
      status =
          set(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop, "multicastLoopback");
    }
  }
  return status;
}

absl::StatusOr<common::MulticastMembership>
UdpSocketHost::CheckMembershipRequest(const v1::MulticastGroup& group) {
  if (!common::HasFeature(permissions_, common::kDirectSocketsMulticast)) {
    // Without the feature the page has no MulticastController.
    return absl::PermissionDeniedError(
        absl::StrCat(origin_,
                     ": the app's manifest does not grant "
                     "direct-sockets-multicast"));
  }
  if (state_ != State::kOpen) {
    return absl::FailedPreconditionError(
        "joinGroup/leaveGroup before the socket is open");
  }
  if (connected_) {
    return absl::FailedPreconditionError(
        "a connected socket has no MulticastController");
  }
  std::optional<std::string> source;
  if (group.has_source_address())
    source = group.source_address();
  absl::StatusOr<common::MulticastMembership> membership =
      common::ParseMulticastMembership(group.group_address(), source);
  if (!membership.ok())
    return membership.status();
  const bool dual_stack =
      family_ == AF_INET6 && !ipv6_only_ &&
      IpAddress::Parse(open_.bound().local_address())->IsUnspecified();
  absl::Status fits = common::CheckGroupFitsSocket(
      *membership, {family_ == AF_INET6, dual_stack});
  if (!fits.ok())
    return fits;
  return membership;
}

absl::Status UdpSocketHost::SetMembership(
    const common::MulticastMembership& membership,
    bool join) {
  uv_os_fd_t fd;
  uv_fileno(reinterpret_cast<uv_handle_t*>(&udp_), &fd);
  const int level = membership.group.is_ipv4() ? IPPROTO_IP : IPPROTO_IPV6;
  int result;
  if (membership.source) {
    group_source_req request;
    std::memset(&request, 0, sizeof(request));
    request.gsr_interface = 0;  // The OS picks, as the explainer says.
    membership.group.ToSockaddr(0, &request.gsr_group);
    membership.source->ToSockaddr(0, &request.gsr_source);
    result = setsockopt(
        fd, level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP,
        &request, sizeof(request));
  } else {
    group_req request;
    std::memset(&request, 0, sizeof(request));
    request.gr_interface = 0;
    membership.group.ToSockaddr(0, &request.gr_group);
    result = setsockopt(fd, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP,
                        &request, sizeof(request));
  }
  if (result == 0)
    return absl::OkStatus();
  const int error = errno;
  std::string what =
      absl::StrCat(join ? "joining " : "leaving ", membership.ToString());
  if (error == ENOBUFS) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what,
                     ": the system refused another membership (its limit is "
                     "net.ipv4.igmp_max_memberships / net.core.optmem_max)"));
  }
  if (error == ENODEV) {
    return absl::UnavailableError(
        absl::StrCat(what,
                     ": no network interface can carry this group (is there a "
                     "multicast route?)"));
  }
  return OsError(what, uv_translate_sys_error(error));
}

void UdpSocketHost::HandleJoin(uint64_t request_id,
                               const v1::MulticastGroup& group) {
  absl::StatusOr<common::MulticastMembership> membership =
      CheckMembershipRequest(group);
  if (!membership.ok()) {
    RejectBrokenRenderer(membership.status());
    return;
  }
  size_t sources_of_group = 0;
  for (const common::MulticastMembership& held : memberships_) {
    if (held == *membership) {
      RejectBrokenRenderer(absl::FailedPreconditionError(
          absl::StrCat(membership->ToString(), ": already joined")));
      return;
    }
    if (held.group == membership->group) {
      if (held.is_source_specific() != membership->is_source_specific()) {
        RejectBrokenRenderer(absl::FailedPreconditionError(absl::StrCat(
            membership->group.ToString(),
            ": any-source and source-specific memberships of one group "
            "cannot be mixed")));
        return;
      }
      ++sources_of_group;
    }
  }
  if (memberships_.size() >= kMaxMembershipsPerSocket) {
    ReplyResult(request_id,
                absl::ResourceExhaustedError(absl::StrCat(
                    membership->ToString(), ": this socket already holds ",
                    kMaxMembershipsPerSocket,
                    " memberships, the most one socket may hold; leave one "
                    "first or use another socket")));
    return;
  }
  if (membership->is_source_specific() &&
      sources_of_group >= kMaxSourcesPerGroup) {
    ReplyResult(
        request_id,
        absl::ResourceExhaustedError(absl::StrCat(
            membership->ToString(), ": group ", membership->group.ToString(),
            " already has ", kMaxSourcesPerGroup,
            " sources, the most one group's source set may have")));
    return;
  }
  absl::Status allowed = policy_->CheckJoin(origin_, *membership, local_port_,
                                            apps_->memberships_of(origin_));
  if (!allowed.ok()) {
    ReplyResult(request_id, allowed);
    return;
  }
  absl::Status app_slot = apps_->AcquireMembership(origin_);
  if (!app_slot.ok()) {
    ReplyResult(request_id, app_slot);
    return;
  }
  absl::Status joined = SetMembership(*membership, /*join=*/true);
  if (joined.ok()) {
    memberships_.push_back(*membership);
  } else {
    apps_->ReleaseMembership(origin_);
  }
  ReplyResult(request_id, joined);
}

void UdpSocketHost::HandleLeave(uint64_t request_id,
                                const v1::MulticastGroup& group) {
  absl::StatusOr<common::MulticastMembership> membership =
      CheckMembershipRequest(group);
  if (!membership.ok()) {
    RejectBrokenRenderer(membership.status());
    return;
  }
  auto held = std::find(memberships_.begin(), memberships_.end(), *membership);
  if (held == memberships_.end()) {
    RejectBrokenRenderer(absl::FailedPreconditionError(
        absl::StrCat(membership->ToString(), ": not joined on this socket")));
    return;
  }
  absl::Status left = SetMembership(*membership, /*join=*/false);
  if (left.ok()) {
    memberships_.erase(held);
    apps_->ReleaseMembership(origin_);
  }
  ReplyResult(request_id, left);
}

void UdpSocketHost::RejectBrokenRenderer(absl::Status why) {
  // A hostile renderer can repeat this at will: a few lines, then counts.
  if (std::optional<uint64_t> folded =
          apps_->broken_request_log().Admit(origin_, absl::Now())) {
    std::fprintf(stderr,
                 "network_service: bad request from the renderer of %s (%s); "
                 "closing its socket: %s%s\n",
                 origin_.c_str(), stream_->peer().c_str(),
                 common::LogSafe(why.ToString(), 512).c_str(),
                 *folded > 0 ? absl::StrCat(" (and ", *folded,
                                            " more since the last line)")
                                   .c_str()
                             : "");
  }
  Close(std::move(why));
}

void UdpSocketHost::HandleReceiveMore(uint32_t count) {
  if (state_ != State::kOpen)
    return;  // Credit before open is meaningless.
  receive_credit_ = static_cast<uint32_t>(
      std::min<uint64_t>(uint64_t{receive_credit_} + count, kMaxReceiveCredit));
  UpdateReceiving();
}

void UdpSocketHost::UpdateReceiving() {
  if (state_ != State::kOpen)
    return;
  const bool want = receive_credit_ > 0 &&
                    stream_->OutboxBytes() < RendererStream::kPauseBytes;
  if (want == receiving_)
    return;
  if (want) {
    if (receive_buffer_.empty())
      receive_buffer_.resize(64 * 1024);
    int error = uv_udp_recv_start(&udp_, &UdpSocketHost::OnAlloc,
                                  &UdpSocketHost::OnReceived);
    if (error != 0) {
      Fail(OsError("starting to receive", error));
      return;
    }
  } else {
    uv_udp_recv_stop(&udp_);
  }
  receiving_ = want;
}

void UdpSocketHost::RecheckPolicy() {
  if (state_ != State::kOpen)
    return;
  absl::Status allowed = policy_->CheckOpen(origin_, open_);
  for (size_t i = 0; allowed.ok() && i < memberships_.size(); ++i)
    allowed = policy_->CheckJoin(origin_, memberships_[i], local_port_);
  if (!allowed.ok()) {
    Fail(absl::UnavailableError(absl::StrCat(
        "the admin's policy changed and no longer allows this socket: ",
        allowed.message())));
  }
}

void UdpSocketHost::OnOutboxDrained() {
  UpdateReceiving();
}

void UdpSocketHost::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* host = static_cast<UdpSocketHost*>(handle->data);
  *buf = uv_buf_init(host->receive_buffer_.data(),
                     static_cast<unsigned>(host->receive_buffer_.size()));
}

void UdpSocketHost::OnReceived(uv_udp_t* handle,
                               ssize_t nread,
                               const uv_buf_t* buf,
                               const sockaddr* addr,
                               unsigned flags) {
  auto* host = static_cast<UdpSocketHost*>(handle->data);
  if (host->state_ != State::kOpen)
    return;
  if (nread < 0) {
    host->Fail(OsError("receiving", static_cast<int>(nread)));
    return;
  }
  if (addr == nullptr)
    return;  // Nothing more to read for now.
  v1::Datagram* datagram =
      host->pending_received_.mutable_received()->add_datagrams();
  datagram->set_data(buf->base, static_cast<size_t>(nread));
  if (!host->connected_) {
    IpAddress from = IpAddress::FromSockaddr(addr);
    datagram->set_remote_address(from.ToString());
    datagram->set_remote_port(common::SockaddrPort(addr));
  }
  ++host->pending_received_count_;
  --host->receive_credit_;
  if (host->pending_received_count_ >= kMaxDatagramsPerEvent) {
    host->FlushReceived();
  } else if (host->pending_received_count_ == 1) {
    // Gather what this loop iteration reads, then send it as one event.
    uv_check_start(&host->flush_check_, &UdpSocketHost::OnFlushCheck);
  }
  if (host->receive_credit_ == 0)
    host->UpdateReceiving();
}

void UdpSocketHost::OnFlushCheck(uv_check_t* handle) {
  static_cast<UdpSocketHost*>(handle->data)->FlushReceived();
}

void UdpSocketHost::FlushReceived() {
  uv_check_stop(&flush_check_);
  if (pending_received_count_ == 0)
    return;
  stream_->Write(std::move(pending_received_));
  pending_received_.Clear();
  pending_received_count_ = 0;
  if (stream_->OutboxBytes() >= RendererStream::kPauseBytes) {
    UpdateReceiving();
  }
}

void UdpSocketHost::ReplyResult(uint64_t request_id,
                                const absl::Status& status) {
  v1::UdpSocketEvent event;
  event.mutable_result()->set_request_id(request_id);
  *event.mutable_result()->mutable_status() = common::ToWireStatus(status);
  stream_->Write(std::move(event));
}

void UdpSocketHost::Fail(absl::Status status) {
  if (state_ == State::kOpen) {
    FlushReceived();
    // Told once the socket is really closed (MaybeFinishClose), so that
    // whoever hears of the error finds the kernel's memberships gone.
    report_socket_error_ = true;
  }
  Close(std::move(status));
}

void UdpSocketHost::OnRendererGone() {
  Close(absl::OkStatus());
}

void UdpSocketHost::Close(absl::Status status) {
  if (state_ == State::kClosing || state_ == State::kClosed)
    return;
  const bool was_resolving = state_ == State::kResolving;
  state_ = State::kClosing;
  close_status_ = std::move(status);
  if (was_resolving && resolve_ != nullptr) {
    // The lookup calls back with UV_EAI_CANCELED, or already ran; either way
    // it frees itself and must not touch this object.
    resolve_->host = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_->request));
    resolve_ = nullptr;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&open_deadline_),
           &UdpSocketHost::OnHandleClosed);
  if (udp_initialized_) {
    if (receiving_)
      uv_udp_recv_stop(&udp_);
    receiving_ = false;
    // Queued sends call back with UV_ECANCELED before the close callback.
    uv_close(reinterpret_cast<uv_handle_t*>(&udp_),
             &UdpSocketHost::OnHandleClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&flush_check_),
             &UdpSocketHost::OnHandleClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&rate_timer_),
             &UdpSocketHost::OnHandleClosed);
  }
  MaybeFinishClose();
}

void UdpSocketHost::OnHandleClosed(uv_handle_t* handle) {
  auto* host = static_cast<UdpSocketHost*>(handle->data);
  --host->open_handles_;
  host->MaybeFinishClose();
}

void UdpSocketHost::MaybeFinishClose() {
  if (state_ != State::kClosing || open_handles_ > 0)
    return;
  state_ = State::kClosed;
  // The kernel dropped the memberships with the socket.
  for (size_t i = 0; i < memberships_.size(); ++i)
    apps_->ReleaseMembership(origin_);
  memberships_.clear();
  if (holds_app_socket_)
    apps_->ReleaseSocket(origin_);
  holds_app_socket_ = false;
  if (report_socket_error_) {
    v1::UdpSocketEvent event;
    *event.mutable_socket_error() = common::ToWireStatus(close_status_);
    stream_->Write(std::move(event));
  }
  stream_->FinishWhenWritten(common::ToServiceGrpcStatus(close_status_));
  // The owner deletes this object later, from the loop: this may run inside
  // HandleRequest (a refused open), which must not find itself deleted.
  absl::AnyInvocable<void()> on_closed = std::move(on_closed_);
  on_closed();
}

}  // namespace network_service
