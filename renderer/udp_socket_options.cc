#include "renderer/udp_socket_options.h"

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "common/socket_limits.h"

namespace renderer {
namespace {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

// [EnforceRange]: a value outside the type's range is a TypeError, in
// Blink's words (the JS binding converts first; C++ embedders meet it here).
std::optional<ScriptError> EnforceRange(const std::optional<int64_t>& value,
                                        const char* member,
                                        const char* dictionary,
                                        const char* type,
                                        int64_t max) {
  if (value && (*value < 0 || *value > max)) {
    return ScriptError::TypeError(absl::StrCat(
        "Failed to read the '", member, "' property from '", dictionary,
        "': Value is outside the '", type, "' value range."));
  }
  return std::nullopt;
}

std::optional<ScriptError> CheckBufferSizes(const UDPSocketOptions& options) {
  if (options.sendBufferSize && *options.sendBufferSize == 0)
    return ScriptError::TypeError("sendBufferSize must be greater than zero.");
  if (options.receiveBufferSize && *options.receiveBufferSize == 0) {
    // Chrome 156's sentence, its misspelt member name included.
    return ScriptError::TypeError(
        "receiverBufferSize must be greater than zero.");
  }
  return std::nullopt;
}

std::optional<ScriptError> CheckMulticastOptions(
    const UDPSocketOptions& options,
    bool multicast_permitted) {
  const bool has_multicast_options = options.multicastTimeToLive ||
                                     options.multicastLoopback ||
                                     options.multicastAllowAddressSharing;
  if (has_multicast_options && !multicast_permitted) {
    return ScriptError::DomException(
        "NotAllowedError",
        "Cannot use Multicast options if permission policy "
        "'direct-sockets-multicast' is absent.");
  }
  return std::nullopt;
}

}  // namespace

ScriptErrorOr<v1::OpenUDPSocket> BuildOpenRequest(
    const UDPSocketOptions& options,
    bool multicast_permitted) {
  // The dictionary's conversion, member by member in WebIDL order.
  for (const auto& check :
       {EnforceRange(options.receiveBufferSize, "receiveBufferSize",
                     "SocketOptions", "unsigned long", 4294967295),
        EnforceRange(options.sendBufferSize, "sendBufferSize", "SocketOptions",
                     "unsigned long", 4294967295),
        EnforceRange(options.localPort, "localPort", "UDPSocketOptions",
                     "unsigned short", 65535),
        EnforceRange(options.multicastTimeToLive, "multicastTimeToLive",
                     "UDPSocketOptions", "octet", 255),
        EnforceRange(options.remotePort, "remotePort", "UDPSocketOptions",
                     "unsigned short", 65535)}) {
    if (check)
      return *check;
  }
  std::optional<v1::DnsQueryType> dns_query_type;
  if (options.dnsQueryType) {
    if (*options.dnsQueryType == "ipv4") {
      dns_query_type = v1::DNS_QUERY_TYPE_IPV4;
    } else if (*options.dnsQueryType == "ipv6") {
      dns_query_type = v1::DNS_QUERY_TYPE_IPV6;
    } else {
      return ScriptError::TypeError(absl::StrCat(
          "Failed to read the 'dnsQueryType' property from "
          "'UDPSocketOptions': The provided value '",
          *options.dnsQueryType,
          "' is not a valid enum value of type SocketDnsQueryType."));
    }
  }

  // Then the constructor's rules, in Chrome 156's order and words: the mode
  // first, then that mode's rules.
  if (options.remoteAddress.has_value() != options.remotePort.has_value()) {
    return ScriptError::TypeError(
        "remoteAddress and remotePort should either be specified together or "
        "not specified at all.");
  }
  const bool connected = options.remoteAddress.has_value();
  if (options.localAddress && connected) {
    return ScriptError::TypeError(
        "remoteAddress and localAddress cannot be specified at the same "
        "time.");
  }
  if (!options.localAddress && options.localPort) {
    return ScriptError::TypeError(
        "localPort cannot be specified without localAddress.");
  }
  if (!connected && !options.localAddress) {
    return ScriptError::TypeError(
        "neither remoteAddress nor localAddress specified.");
  }

  v1::OpenUDPSocket open;
  if (connected) {
    if (options.ipv6Only) {
      return ScriptError::TypeError(
          "ipv6Only can only be specified with localAddress.");
    }
    if (std::optional<ScriptError> error = CheckBufferSizes(options))
      return *error;
    if (std::optional<ScriptError> error =
            CheckMulticastOptions(options, multicast_permitted)) {
      return *error;
    }
    // An empty host or port 0 is the network service's to refuse, as in
    // Chrome (a name that does not resolve is a NetworkError there).
    v1::ConnectedMode* mode = open.mutable_connected();
    mode->set_remote_address(*options.remoteAddress);
    mode->set_remote_port(static_cast<uint32_t>(*options.remotePort));
    if (dns_query_type)
      mode->set_dns_query_type(*dns_query_type);
    // multicastAllowAddressSharing means nothing to a connected socket;
    // Chrome ignores it there.
  } else {
    std::optional<IpAddress> local = IpAddress::Parse(*options.localAddress);
    if (!local)
      return ScriptError::TypeError("localAddress must be a valid IP address.");
    if (options.localPort && *options.localPort == 0) {
      return ScriptError::TypeError(
          "localPort must be greater than zero. Leave this field unassigned "
          "to allow the OS to pick a port on its own.");
    }
    if (options.dnsQueryType) {
      return ScriptError::TypeError(
          "dnsQueryType is only relevant when remoteAddress is specified.");
    }
    if (std::optional<ScriptError> error = CheckBufferSizes(options))
      return *error;
    if (options.ipv6Only && !(local->is_ipv6() && local->IsUnspecified())) {
      return ScriptError::TypeError(
          "ipv6Only can only be specified when localAddress is [::] or "
          "equivalent.");
    }
    if (std::optional<ScriptError> error =
            CheckMulticastOptions(options, multicast_permitted)) {
      return *error;
    }
    v1::BoundMode* mode = open.mutable_bound();
    mode->set_local_address(*options.localAddress);
    mode->set_local_port(static_cast<uint32_t>(options.localPort.value_or(0)));
    if (options.ipv6Only)
      mode->set_ipv6_only(*options.ipv6Only);
    open.set_multicast_allow_address_sharing(
        options.multicastAllowAddressSharing.value_or(false));
  }
  if (options.multicastTimeToLive) {
    open.set_multicast_time_to_live(
        static_cast<uint32_t>(*options.multicastTimeToLive));
  }
  if (options.multicastLoopback)
    open.set_multicast_loopback(*options.multicastLoopback);
  if (options.sendBufferSize)
    open.set_send_buffer_size(static_cast<uint32_t>(*options.sendBufferSize));
  if (options.receiveBufferSize) {
    open.set_receive_buffer_size(
        static_cast<uint32_t>(*options.receiveBufferSize));
  }
  return open;
}

ScriptErrorOr<v1::Datagram> BuildDatagram(const UDPMessage& message,
                                          bool connected) {
  // Chrome 156's rules and words for a written message.
  if (message.data.empty())
    return ScriptError::TypeError(
        "UDPMessage: 'data' field must not be empty.");
  if (message.remoteAddress.has_value() != message.remotePort.has_value()) {
    return ScriptError::TypeError(
        "UDPMessage: either none or both 'remoteAddress' and 'remotePort' "
        "fields must be specified.");
  }
  const bool addressed = message.remoteAddress.has_value();
  if (connected && addressed) {
    return ScriptError::TypeError(
        "UDPMessage: 'remoteAddress' and 'remotePort' must not be specified "
        "in 'connected' mode.");
  }
  if (connected && message.dnsQueryType) {
    return ScriptError::TypeError(
        "UDPMessage: 'dnsQueryType' must not be specified in 'connected' "
        "mode.");
  }
  if (!connected && !addressed) {
    return ScriptError::TypeError(
        "UDPMessage: 'remoteAddress' and 'remotePort' must be specified in "
        "'bound' mode.");
  }
  // What Chrome's network service refuses, refused here without the trip
  // and with its words: the write fails and errors the writable.
  if (message.data.size() > common::kMaxDatagramSize) {
    return ScriptError::DomException(
        "NetworkError", "Stream aborted by the remote: net::ERR_MSG_TOO_BIG");
  }
  v1::Datagram datagram;
  datagram.set_data(message.data.data(), message.data.size());
  if (connected)
    return datagram;
  // UDPMessage's remotePort has no [EnforceRange]: the JS binding wraps it
  // into 0..65535; a C++ embedder's value out of that range is refused.
  if (*message.remotePort <= 0 || *message.remotePort > 65535) {
    return ScriptError::DomException(
        "NetworkError",
        "Stream aborted by the remote: net::ERR_INVALID_ARGUMENT");
  }
  if (!IpAddress::Parse(*message.remoteAddress)) {
    // Chrome resolves a host name here; this service sends to IP literals
    // only, so every name is one that does not resolve (docs/js-api.md,
    // "Where we differ from Chrome").
    return ScriptError::DomException(
        "NetworkError",
        "Stream aborted by the remote: net::ERR_NAME_NOT_RESOLVED");
  }
  datagram.set_remote_address(*message.remoteAddress);
  datagram.set_remote_port(static_cast<uint32_t>(*message.remotePort));
  return datagram;
}

}  // namespace renderer
