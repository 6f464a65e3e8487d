#ifndef NETWORK_SERVICE_REQUESTS_SOCKET_REQUEST_CHECKS_H_
#define NETWORK_SERVICE_REQUESTS_SOCKET_REQUEST_CHECKS_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "common/ip_address.h"
#include "common/socket_membership.h"
#include "network_service/requests/app_access.h"
#include "network_service/requests/send_queue.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// The checks of an open socket's requests: each send's datagrams and each
// join or leave, read as an honest renderer must have made them
// (request_validator.h, common/socket_membership.h) for this socket, and
// every destination as the app may reach it (AppAccess).
//
// Made by a RestrictedUDPSocket once its socket opened; loop thread only.
class SocketRequestChecks {
 public:
  // What the checks need to know of the socket that opened.
  struct Socket {
    const direct_sockets::v1::OpenUDPSocket* open;  // Its open request.
    int family = AF_UNSPEC;
    bool ipv6_only = false;
    // A connected socket's peer, as checked at open.
    std::optional<common::IpAddress> peer;
  };

  // `access` and the open request (not owned) outlive this.
  SocketRequestChecks(const AppAccess* access, Socket socket);

  // Every datagram of `send` valid, and every destination allowed; a bad
  // request sends nothing (INVALID_ARGUMENT, PERMISSION_DENIED). The
  // payloads move into the result.
  absl::StatusOr<std::unique_ptr<CheckedSend>> CheckSend(
      uint64_t request_id,
      direct_sockets::v1::SendDatagrams send) const;

  // A join or leave as the renderer must have checked it (the feature, a
  // bound socket, the address rules, a group that fits the socket): any
  // error means the renderer is broken.
  absl::StatusOr<common::SocketMembership> CheckMembership(
      const direct_sockets::v1::MulticastGroup& group) const;

 private:
  const AppAccess* const access_;
  const Socket socket_;
  bool dual_stack_ = false;  // AF_INET6 bound to "::" without ipv6Only.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_SOCKET_REQUEST_CHECKS_H_
