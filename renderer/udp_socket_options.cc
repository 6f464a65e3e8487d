#include "renderer/udp_socket_options.h"

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "common/socket_limits.h"

namespace renderer {
namespace {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

// [EnforceRange]: a value outside the type's range is a TypeError.
std::optional<ScriptError> EnforceRange(const std::optional<int64_t>& value,
                                        const char* member,
                                        int64_t max) {
  if (value && (*value < 0 || *value > max)) {
    return ScriptError::TypeError(absl::StrCat(
        member, ": value ", *value, " is outside the range 0..", max));
  }
  return std::nullopt;
}

}  // namespace

ScriptErrorOr<v1::OpenUDPSocket> BuildOpenRequest(
    const UDPSocketOptions& options) {
  for (const auto& check :
       {EnforceRange(options.remotePort, "remotePort", 65535),
        EnforceRange(options.localPort, "localPort", 65535),
        EnforceRange(options.sendBufferSize, "sendBufferSize", 4294967295),
        EnforceRange(options.receiveBufferSize, "receiveBufferSize",
                     4294967295),
        EnforceRange(options.multicastTimeToLive, "multicastTimeToLive",
                     255)}) {
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
          "dnsQueryType: \"", *options.dnsQueryType,
          "\" is not a valid value of SocketDnsQueryType (\"ipv4\", "
          "\"ipv6\")"));
    }
  }

  v1::OpenUDPSocket open;
  if (options.remoteAddress.has_value() != options.remotePort.has_value()) {
    return ScriptError::TypeError(
        "remoteAddress and remotePort must be given together (connected "
        "mode) or not at all (bound mode)");
  }
  const bool connected = options.remoteAddress.has_value();
  if (options.localPort && (*options.localPort == 0 || !options.localAddress)) {
    return ScriptError::TypeError(
        *options.localPort == 0
            ? "localPort must not be 0; leave it out to let the system pick"
            : "localPort needs localAddress (bound mode)");
  }
  if (connected) {
    if (options.localAddress) {
      return ScriptError::TypeError(
          "localAddress cannot be combined with remoteAddress: a socket is "
          "either connected or bound");
    }
    if (options.remoteAddress->empty()) {
      return ScriptError::TypeError("remoteAddress must not be empty");
    }
    if (*options.remotePort == 0) {
      return ScriptError::TypeError("remotePort must not be 0");
    }
    if (options.ipv6Only) {
      return ScriptError::TypeError(
          "ipv6Only applies only to a bound socket on localAddress \"::\"");
    }
    if (options.multicastAllowAddressSharing) {
      return ScriptError::TypeError(
          "multicastAllowAddressSharing applies only to bound sockets");
    }
    v1::ConnectedMode* mode = open.mutable_connected();
    mode->set_remote_address(*options.remoteAddress);
    mode->set_remote_port(static_cast<uint32_t>(*options.remotePort));
    if (dns_query_type)
      mode->set_dns_query_type(*dns_query_type);
  } else if (options.localAddress) {
    std::optional<IpAddress> local = IpAddress::Parse(*options.localAddress);
    if (!local) {
      return ScriptError::TypeError(
          absl::StrCat("localAddress: \"", *options.localAddress,
                       "\" is not a valid IP address"));
    }
    if (options.dnsQueryType) {
      return ScriptError::TypeError(
          "dnsQueryType applies only to connected sockets");
    }
    if (options.ipv6Only && !(local->is_ipv6() && local->IsUnspecified())) {
      return ScriptError::TypeError(
          absl::StrCat("ipv6Only applies only to localAddress \"::\", not \"",
                       *options.localAddress, "\""));
    }
    v1::BoundMode* mode = open.mutable_bound();
    mode->set_local_address(*options.localAddress);
    mode->set_local_port(static_cast<uint32_t>(options.localPort.value_or(0)));
    if (options.ipv6Only)
      mode->set_ipv6_only(*options.ipv6Only);
    open.set_multicast_allow_address_sharing(
        options.multicastAllowAddressSharing.value_or(false));
  } else {
    return ScriptError::TypeError(
        "UDPSocket needs remoteAddress and remotePort (connected mode) or "
        "localAddress (bound mode)");
  }
  if (options.multicastTimeToLive) {
    open.set_multicast_time_to_live(
        static_cast<uint32_t>(*options.multicastTimeToLive));
  }
  if (options.multicastLoopback)
    open.set_multicast_loopback(*options.multicastLoopback);
  if (options.sendBufferSize) {
    if (*options.sendBufferSize == 0) {
      return ScriptError::TypeError("sendBufferSize must not be 0");
    }
    open.set_send_buffer_size(static_cast<uint32_t>(*options.sendBufferSize));
  }
  if (options.receiveBufferSize) {
    if (*options.receiveBufferSize == 0) {
      return ScriptError::TypeError("receiveBufferSize must not be 0");
    }
    open.set_receive_buffer_size(
        static_cast<uint32_t>(*options.receiveBufferSize));
  }
  return open;
}

ScriptErrorOr<v1::Datagram> BuildDatagram(const UDPMessage& message,
                                          bool connected) {
  if (message.data.size() > common::kMaxDatagramSize) {
    return ScriptError::TypeError(absl::StrCat(
        "data is ", message.data.size(),
        " bytes; a UDP datagram carries at most ", common::kMaxDatagramSize));
  }
  v1::Datagram datagram;
  datagram.set_data(message.data.data(), message.data.size());
  if (connected) {
    if (message.remoteAddress || message.remotePort || message.dnsQueryType) {
      return ScriptError::TypeError(
          "a connected socket sends only to its remote address; leave out "
          "remoteAddress, remotePort and dnsQueryType");
    }
    return datagram;
  }
  if (!message.remoteAddress || !message.remotePort) {
    return ScriptError::TypeError(
        "a bound socket needs remoteAddress and remotePort in every message");
  }
  if (std::optional<ScriptError> range =
          EnforceRange(message.remotePort, "remotePort", 65535)) {
    return *range;
  }
  if (*message.remotePort == 0) {
    return ScriptError::TypeError("remotePort must not be 0");
  }
  std::optional<IpAddress> address = IpAddress::Parse(*message.remoteAddress);
  if (!address) {
    return ScriptError::TypeError(absl::StrCat(
        "remoteAddress: \"", *message.remoteAddress,
        "\" is not an IP address; a bound socket sends to IP literals only "
        "(see docs/architecture.md)"));
  }
  datagram.set_remote_address(*message.remoteAddress);
  datagram.set_remote_port(static_cast<uint32_t>(*message.remotePort));
  return datagram;
}

}  // namespace renderer
