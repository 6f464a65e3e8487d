#ifndef RENDERER_UDP_SOCKET_OPTIONS_H_
#define RENDERER_UDP_SOCKET_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/udp_socket.pb.h"
#include "renderer/script_error.h"

namespace renderer {

// The IDL dictionary UDPSocketOptions as the binding hands it over: a member
// is absent (nullopt) or holds the page's value. Integers are wide so that
// [EnforceRange] can be checked here, as a binding would.
struct UDPSocketOptions {
  std::optional<std::string> remoteAddress;
  std::optional<int64_t> remotePort;  // [EnforceRange] unsigned short
  std::optional<std::string> localAddress;
  std::optional<int64_t> localPort;          // [EnforceRange] unsigned short
  std::optional<int64_t> sendBufferSize;     // [EnforceRange] unsigned long
  std::optional<int64_t> receiveBufferSize;  // [EnforceRange] unsigned long
  std::optional<std::string> dnsQueryType;   // SocketDnsQueryType: ipv4|ipv6
  std::optional<bool> ipv6Only;
  std::optional<int64_t> multicastTimeToLive;  // [EnforceRange] octet
  std::optional<bool> multicastLoopback;
  std::optional<bool> multicastAllowAddressSharing;
};

// The IDL dictionary UDPMessage: what the readable yields (data always; the
// peer in bound mode) and what the writable takes.
struct UDPMessage {
  std::vector<uint8_t> data;
  std::optional<std::string> remoteAddress;
  std::optional<int64_t> remotePort;  // [EnforceRange] unsigned short
  std::optional<std::string> dnsQueryType;
};

// Runs the UDPSocket constructor's checks (Direct Sockets spec, "The
// constructor() steps") in Chrome 156's order and words, and builds the
// request for the network service. Every failure is what the constructor
// throws (without Blink's "Failed to construct" prefix, which UDPSocket
// adds): a TypeError naming the member and the rule, or NotAllowedError for
// multicast options when `multicast_permitted` is false. The
// port-below-1024 rule is not here: it rejects `opened` instead of throwing
// (UDPSocket does that).
ScriptErrorOr<direct_sockets::v1::OpenUDPSocket> BuildOpenRequest(
    const UDPSocketOptions& options,
    bool multicast_permitted);

// Checks one message written to a socket in the given mode and converts it.
// In Chrome 156's words: TypeError for empty data, an address in connected
// mode or a missing one in bound mode; NetworkError (as Chrome's network
// service answers) for an oversized payload, port 0 or a host name (we do
// not resolve names per datagram).
ScriptErrorOr<direct_sockets::v1::Datagram> BuildDatagram(
    const UDPMessage& message,
    bool connected);

}  // namespace renderer

#endif  // RENDERER_UDP_SOCKET_OPTIONS_H_
