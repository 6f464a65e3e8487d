#include "network_service/socket/uv_datagram_socket.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "common/logging.h"
#include "common/socket_limits.h"
#include "network_service/socket/uv_error.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // linux/udp.h, Linux 4.18.
#endif

namespace network_service {

namespace {

// linux/in6.h's IPV6_MULTICAST_ALL (Linux 4.20), which glibc 2.36's
// <netinet/in.h> does not name.
constexpr int kIpv6MulticastAll = 29;

std::string Endpoint(const sockaddr* addr) {
  return common::EndpointText(common::IpAddress::FromSockaddr(addr),
                              common::SockaddrPort(addr));
}

}  // namespace

struct UvDatagramSocket::QueuedSend {
  uv_udp_send_t request;
  UvDatagramSocket* socket;
  size_t bytes;
  SendDone done;
};

UvDatagramSocket::UvDatagramSocket(uv_loop_t* loop, int family, int* error)
    : family_(family) {
  *error = uv_udp_init_ex(loop, &udp_, family);
  initialized_ = *error == 0;
  udp_.data = this;
  if (initialized_) {
    reader_ = std::make_unique<DatagramReader>(
        fd(), [this](bool watch) { return WatchReadable(watch); });
  }
}

UvDatagramSocket::~UvDatagramSocket() {
  // The handle must be closed (its close callback run) first: libuv still
  // points at udp_ until then.
  CHECK(!initialized_ || closing_)
      << "Close() first: libuv points at the handle until it has closed";
}

int UvDatagramSocket::fd() const {
  uv_os_fd_t fd = -1;
  uv_fileno(reinterpret_cast<const uv_handle_t*>(&udp_), &fd);
  return fd;
}

absl::Status UvDatagramSocket::ApplyOptions(const Options& options) {
  const int fd = this->fd();
  auto set = [fd](int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof(value)) != 0)
      return OsError(absl::StrCat("setting ", what),
                     uv_translate_sys_error(errno));
    return absl::OkStatus();
  };
  absl::Status status;
  if (options.send_buffer_size != 0) {
    status = set(SOL_SOCKET, SO_SNDBUF,
                 static_cast<int>(std::min(options.send_buffer_size,
                                           common::kMaxSocketBufferSize)),
                 "sendBufferSize");
  }
  if (status.ok() && options.receive_buffer_size != 0) {
    status = set(SOL_SOCKET, SO_RCVBUF,
                 static_cast<int>(std::min(options.receive_buffer_size,
                                           common::kMaxSocketBufferSize)),
                 "receiveBufferSize");
  }
  // A socket receives only the groups it joined: with IP_MULTICAST_ALL on
  // (Linux's default) a socket bound to a port gets every group any
  // process on the machine joined on that port, whatever the policy's
  // receive_groups say.
  if (status.ok())
    status = set(IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
  if (status.ok() && family_ == AF_INET6) {
    status = set(IPPROTO_IPV6, kIpv6MulticastAll, 0, "IPV6_MULTICAST_ALL");
  }
  if (status.ok() && options.allow_address_sharing) {
    status = set(SOL_SOCKET, SO_REUSEADDR, 1, "multicastAllowAddressSharing");
    if (status.ok()) {
      status = set(SOL_SOCKET, SO_REUSEPORT, 1, "multicastAllowAddressSharing");
    }
  }
  // The spec's defaults are Linux's (TTL 1, loopback on); they are set
  // anyway so the socket does not depend on system settings. An AF_INET6
  // socket may carry IPv4 too (dual-stack): both levels there.
  const int ttl = static_cast<int>(options.multicast_ttl);
  const int loop = options.multicast_loopback ? 1 : 0;
  if (status.ok())
    status = set(IPPROTO_IP, IP_MULTICAST_TTL, ttl, "multicastTimeToLive");
  if (status.ok())
    status = set(IPPROTO_IP, IP_MULTICAST_LOOP, loop, "multicastLoopback");
  if (status.ok() && family_ == AF_INET6) {
    status = set(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl, "multicastTimeToLive");
    if (status.ok()) {
      status =
          set(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop, "multicastLoopback");
    }
  }
  if (status.ok() && family_ == AF_INET6 && options.ipv6_only.has_value()) {
    status =
        set(IPPROTO_IPV6, IPV6_V6ONLY, *options.ipv6_only ? 1 : 0, "ipv6Only");
  }
  return status;
}

absl::Status UvDatagramSocket::Bind(const sockaddr* local,
                                    const Options& options) {
  absl::Status configured = ApplyOptions(options);
  if (!configured.ok())
    return configured;
  // IPV6_V6ONLY is already set as asked (UV_UDP_IPV6ONLY would only set it).
  const int error = uv_udp_bind(&udp_, local, 0);
  if (error != 0)
    return OsError(absl::StrCat("binding ", Endpoint(local)), error);
  return absl::OkStatus();
}

absl::Status UvDatagramSocket::Connect(const sockaddr* remote,
                                       const Options& options) {
  absl::Status configured = ApplyOptions(options);
  if (!configured.ok())
    return configured;
  const int error = uv_udp_connect(&udp_, remote);
  if (error != 0)
    return OsError(absl::StrCat("connecting to ", Endpoint(remote)), error);
  return absl::OkStatus();
}

absl::Status UvDatagramSocket::GetLocalAddress(
    sockaddr_storage* address) const {
  int length = sizeof(*address);
  const int error =
      uv_udp_getsockname(&udp_, reinterpret_cast<sockaddr*>(address), &length);
  return error == 0 ? absl::OkStatus() : OsError("getsockname", error);
}

absl::Status UvDatagramSocket::GetPeerAddress(sockaddr_storage* address) const {
  int length = sizeof(*address);
  const int error =
      uv_udp_getpeername(&udp_, reinterpret_cast<sockaddr*>(address), &length);
  return error == 0 ? absl::OkStatus() : OsError("getpeername", error);
}

DatagramSocket::KernelQueue UvDatagramSocket::GetKernelQueue() const {
  KernelQueue queue;
  uint32_t meminfo[SK_MEMINFO_VARS] = {};
  socklen_t length = sizeof(meminfo);
  if (initialized_ && !closing_ &&
      getsockopt(fd(), SOL_SOCKET, SO_MEMINFO, meminfo, &length) == 0) {
    if (length > SK_MEMINFO_DROPS * sizeof(uint32_t))
      queue.drops = meminfo[SK_MEMINFO_DROPS];
    queue.receive_queue_bytes = meminfo[SK_MEMINFO_RMEM_ALLOC];
  }
  return queue;
}

absl::Status UvDatagramSocket::JoinGroup(
    const common::SocketMembership& membership) {
  return SetMembership(membership, /*join=*/true);
}

absl::Status UvDatagramSocket::LeaveGroup(
    const common::SocketMembership& membership) {
  return SetMembership(membership, /*join=*/false);
}

absl::Status UvDatagramSocket::SetMembership(
    const common::SocketMembership& membership,
    bool join) {
  const int level = membership.group.is_ipv4() ? IPPROTO_IP : IPPROTO_IPV6;
  int result;
  if (membership.source) {
    group_source_req request;
    std::memset(&request, 0, sizeof(request));
    request.gsr_interface = 0;  // The OS picks, as the explainer says.
    membership.group.ToSockaddr(0, &request.gsr_group);
    membership.source->ToSockaddr(0, &request.gsr_source);
    result = setsockopt(
        fd(), level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP,
        &request, sizeof(request));
  } else {
    group_req request;
    std::memset(&request, 0, sizeof(request));
    request.gr_interface = 0;
    membership.group.ToSockaddr(0, &request.gr_group);
    result =
        setsockopt(fd(), level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP,
                   &request, sizeof(request));
  }
  if (result == 0)
    return absl::OkStatus();
  const int error = errno;
  const std::string what =
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

absl::StatusOr<DatagramSocket::SendResult> UvDatagramSocket::Send(
    absl::string_view data,
    const sockaddr* to,
    SendDone done) {
  uv_buf_t buf = uv_buf_init(const_cast<char*>(data.data()),
                             static_cast<unsigned>(data.size()));
  // try_send keeps order: it refuses (EAGAIN) while libuv has a queue.
  const int sent = uv_udp_try_send(&udp_, &buf, 1, to);
  if (sent >= 0)
    return SendResult::kSent;
  if (sent != UV_EAGAIN)
    return OsError("sending a datagram", sent);
  if (queued_sends_ >= kMaxQueuedSends ||
      queued_send_bytes_ + data.size() > kMaxQueuedSendBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the socket's send queue is full (", queued_sends_,
                     " datagrams, ", queued_send_bytes_, " bytes; the most is ",
                     kMaxQueuedSends, " or ", kMaxQueuedSendBytes,
                     " bytes); wait for writes to finish before writing more"));
  }
  auto* queued = new QueuedSend{{}, this, data.size(), std::move(done)};
  queued->request.data = queued;
  const int error = uv_udp_send(&queued->request, &udp_, &buf, 1, to, &OnSent);
  if (error != 0) {
    delete queued;
    return OsError("queueing a datagram", error);
  }
  ++queued_sends_;
  queued_send_bytes_ += data.size();
  return SendResult::kQueued;
}

size_t UvDatagramSocket::TrySendSegmented(
    absl::Span<const absl::string_view> datagrams,
    const sockaddr* to) {
  // Order: nothing may overtake what libuv has queued.
  if (!segmentation_works_ || udp_.send_queue_count != 0 ||
      datagrams.size() < 2 || datagrams.size() > kMaxSegments) {
    return 0;
  }
  const size_t segment = datagrams.front().size();
  iovec iov[kMaxSegments];
  size_t total = 0;
  for (size_t i = 0; i < datagrams.size(); ++i) {
    const size_t size = datagrams[i].size();
    const bool last = i + 1 == datagrams.size();
    if (size == 0 || (last ? size > segment : size != segment))
      return 0;
    total += size;
    iov[i].iov_base = const_cast<char*>(datagrams[i].data());
    iov[i].iov_len = size;
  }
  if (total > kMaxSegmentedBytes || segment > UINT16_MAX)
    return 0;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint16_t))] = {};
  msghdr message{};
  message.msg_name = const_cast<sockaddr*>(to);
  message.msg_namelen = to == nullptr               ? 0
                        : to->sa_family == AF_INET6 ? sizeof(sockaddr_in6)
                                                    : sizeof(sockaddr_in);
  message.msg_iov = iov;
  message.msg_iovlen = datagrams.size();
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_UDP;
  header->cmsg_type = UDP_SEGMENT;
  header->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  const uint16_t segment_size = static_cast<uint16_t>(segment);
  std::memcpy(CMSG_DATA(header), &segment_size, sizeof(segment_size));
  ssize_t sent;
  do {
    sent = sendmsg(fd(), &message, MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent >= 0)
    return datagrams.size();
  // No UDP_SEGMENT here (an old kernel, no checksum offload on the route,
  // a segment past its MTU): one by one from now on. Any other refusal is
  // Send()'s to report, datagram by datagram.
  if (errno == EIO || errno == EINVAL || errno == EOPNOTSUPP ||
      errno == ENOPROTOOPT) {
    segmentation_works_ = false;
  }
  return 0;
}

void UvDatagramSocket::OnSent(uv_udp_send_t* request, int status) {
  std::unique_ptr<QueuedSend> queued(static_cast<QueuedSend*>(request->data));
  UvDatagramSocket* socket = queued->socket;
  --socket->queued_sends_;
  socket->queued_send_bytes_ -= queued->bytes;
  queued->done(status == 0 ? absl::OkStatus()
               : status == UV_ECANCELED
                   ? absl::CancelledError("socket closed")
                   : OsError("sending a datagram", status));
}

absl::Status UvDatagramSocket::StartReceiving(Receiver* receiver) {
  return reader_->Start(receiver);
}

void UvDatagramSocket::StopReceiving() {
  reader_->Stop();
}

absl::Status UvDatagramSocket::WatchReadable(bool watch) {
  if (!watch) {
    uv_udp_recv_stop(&udp_);
    return absl::OkStatus();
  }
  const int error = uv_udp_recv_start(&udp_, &OnAllocNothing, &OnReadable);
  if (error != 0)
    return OsError("starting to receive", error);
  return absl::OkStatus();
}

void UvDatagramSocket::OnAllocNothing(uv_handle_t*, size_t, uv_buf_t* buf) {
  // No buffer: libuv reads nothing and says UV_ENOBUFS (libuv's
  // documented answer to an empty buffer), and the reader reads.
  *buf = uv_buf_init(nullptr, 0);
}

void UvDatagramSocket::OnReadable(uv_udp_t* handle,
                                  ssize_t nread,
                                  const uv_buf_t*,
                                  const sockaddr*,
                                  unsigned) {
  auto* socket = static_cast<UvDatagramSocket*>(handle->data);
  if (nread == UV_ENOBUFS)
    socket->reader_->ReadAvailable();
}

void UvDatagramSocket::Close(absl::AnyInvocable<void()> closed) {
  CHECK(!closing_) << "Close() is once";
  closing_ = true;
  if (reader_)
    reader_->Detach();
  closed_ = std::move(closed);
  CHECK(initialized_) << "the factory hands out only sockets it created";
  // Queued sends call back with UV_ECANCELED before the close callback.
  uv_close(reinterpret_cast<uv_handle_t*>(&udp_), &OnClosed);
}

void UvDatagramSocket::OnClosed(uv_handle_t* handle) {
  auto* socket = static_cast<UvDatagramSocket*>(handle->data);
  absl::AnyInvocable<void()> closed = std::move(socket->closed_);
  closed();
}

}  // namespace network_service
