#include "network_service/requests/socket_request_checks.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/local_network_access.h"
#include "network_service/requests/request_validator.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

SocketRequestChecks::SocketRequestChecks(const AppAccess* access, Socket socket)
    : access_(access), socket_(std::move(socket)) {
  if (socket_.family == AF_INET6 && !socket_.ipv6_only &&
      socket_.open->has_bound()) {
    std::optional<IpAddress> local =
        IpAddress::Parse(socket_.open->bound().local_address());
    dual_stack_ = local.has_value() && local->IsUnspecified();
  }
}

absl::StatusOr<std::unique_ptr<CheckedSend>> SocketRequestChecks::CheckSend(
    uint64_t request_id,
    v1::SendDatagrams send) const {
  const bool connected = socket_.peer.has_value();
  auto checked = std::make_unique<CheckedSend>();
  checked->request_id = request_id;
  checked->destinations.reserve(send.datagrams_size());
  checked->to_group.reserve(send.datagrams_size());
  for (const v1::Datagram& datagram : send.datagrams()) {
    checked->bytes += datagram.data().size();
    absl::StatusOr<std::optional<Destination>> destination = ValidateDatagram(
        datagram, connected, socket_.family, socket_.ipv6_only);
    if (!destination.ok())
      return destination.status();
    // Every destination of a bound socket is decided as a connected
    // socket's peer is (a connected socket's was, at open).
    const IpAddress to =
        connected ? *socket_.peer
                  : IpAddress::FromSockaddr(reinterpret_cast<const sockaddr*>(
                                                &(*destination)->address))
                        .Unmapped();
    if (!connected) {
      absl::Status allowed = access_->CheckPeer(
          to, static_cast<uint16_t>(datagram.remote_port()), *socket_.open);
      if (!allowed.ok())
        return allowed;
    }
    checked->destinations.push_back(*std::move(destination));
    checked->to_group.push_back(to.IsMulticast());
  }
  checked->datagrams = std::move(send);
  return checked;
}

absl::StatusOr<common::SocketMembership> SocketRequestChecks::CheckMembership(
    const v1::MulticastGroup& group) const {
  if (!access_->Has(common::kDirectSocketsMulticast)) {
    // Without the feature the page has no MulticastController.
    return access_->MulticastNotGranted("");
  }
  if (socket_.peer.has_value()) {
    return absl::FailedPreconditionError(
        "a connected socket has no MulticastController");
  }
  std::optional<std::string> source;
  if (group.has_source_address())
    source = group.source_address();
  absl::StatusOr<common::SocketMembership> membership =
      common::ParseSocketMembership(group.group_address(), source);
  if (!membership.ok())
    return membership.status();
  absl::Status fits = common::CheckGroupFitsSocket(
      *membership, {socket_.family == AF_INET6, dual_stack_});
  if (!fits.ok())
    return fits;
  return membership;
}

}  // namespace network_service
