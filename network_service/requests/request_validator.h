#ifndef NETWORK_SERVICE_REQUEST_VALIDATOR_H_
#define NETWORK_SERVICE_REQUEST_VALIDATOR_H_

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/ip_address.h"
#include "google/protobuf/message.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// Checks of what a renderer sends, made again at the security boundary: a
// renderer may be compromised, so nothing it says is trusted. Pure
// functions; any thread. Errors use absl codes that the renderer maps to
// web errors (INVALID_ARGUMENT -> TypeError, PERMISSION_DENIED ->
// NotAllowedError, FAILED_PRECONDITION -> InvalidStateError).

// INVALID_ARGUMENT when `message` or anything inside it carries fields this
// build does not know (a newer or forged renderer).
absl::Status CheckNoUnknownFields(const google::protobuf::Message& message);

// Validates an open request: the mode, addresses, ports, buffer sizes and
// their combinations. PERMISSION_DENIED for a bound port below 1024.
absl::Status ValidateOpen(const direct_sockets::v1::OpenUDPSocket& open);

// A send's destination after validation: nullopt on a connected socket.
struct Destination {
  sockaddr_storage address;
  socklen_t length;
};

// Validates one datagram for a socket of `socket_family` (AF_INET or
// AF_INET6; `ipv6_only` for a bound "::" socket) in the given mode, and gives
// its destination. An IPv4 destination on a dual-stack IPv6 socket becomes
// its IPv4-mapped IPv6 address, as the kernel needs.
absl::StatusOr<std::optional<Destination>> ValidateDatagram(
    const direct_sockets::v1::Datagram& datagram,
    bool connected,
    int socket_family,
    bool ipv6_only);

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUEST_VALIDATOR_H_
