#include "network_service/requests/request_validator.h"

#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log_text.h"
#include "common/socket_limits.h"
#include "common/web_error.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace network_service {
namespace {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

// A host name as the resolver would take it: letters, digits, '-', '.', and
// '_' (seen in real names); no spaces, no NULs, no URL syntax.
bool IsPlausibleHostName(const std::string& name) {
  if (name.empty() || name.size() > common::kMaxHostNameLength)
    return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok)
      return false;
  }
  return name.front() != '.' && name.front() != '-';
}

absl::Status CheckPort(uint32_t port, absl::string_view field, bool zero_ok) {
  if (port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " ", port, " is outside 0..65535"));
  }
  if (port == 0 && !zero_ok) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must not be 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckNoUnknownFields(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        message.GetDescriptor()->full_name(),
        " carries fields this network service does not know; renderer and "
        "service must be built from the same interface"));
  }
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() !=
        google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        absl::Status status = CheckNoUnknownFields(
            reflection->GetRepeatedMessage(message, field, i));
        if (!status.ok())
          return status;
      }
    } else {
      absl::Status status =
          CheckNoUnknownFields(reflection->GetMessage(message, field));
      if (!status.ok())
        return status;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOpen(const v1::OpenUDPSocket& open) {
  switch (open.mode_case()) {
    case v1::OpenUDPSocket::kConnected: {
      const v1::ConnectedMode& connected = open.connected();
      // A name that cannot be one resolves to nothing, as Chrome 156
      // answers it; one that ends in a number is never handed to the
      // resolver either (which would read "1.2.3.4.5" its own way).
      const std::string& remote = connected.remote_address();
      if (remote.empty())
        return common::HostNotResolved();
      if (!IpAddress::Parse(remote)) {
        const std::string quoted =
            absl::StrCat("remoteAddress \"", common::LogSafe(remote), "\"");
        if (common::EndsInANumber(remote)) {
          return common::HostNotResolved(absl::StrCat(
              quoted, " ends in a number but is not a valid IPv4 address"));
        }
        if (!IsPlausibleHostName(remote)) {
          return common::HostNotResolved(absl::StrCat(
              quoted, " is neither an IP address nor a host name"));
        }
      }
      absl::Status port =
          CheckPort(connected.remote_port(), "remotePort", /*zero_ok=*/true);
      if (!port.ok())
        return port;
      if (!v1::DnsQueryType_IsValid(connected.dns_query_type())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "dnsQueryType ", connected.dns_query_type(), " is unknown"));
      }
      break;
    }
    case v1::OpenUDPSocket::kBound: {
      const v1::BoundMode& bound = open.bound();
      std::optional<IpAddress> local = IpAddress::Parse(bound.local_address());
      if (!local) {
        return absl::InvalidArgumentError(absl::StrCat(
            "localAddress \"", common::LogSafe(bound.local_address()),
            "\" is not an IP address"));
      }
      absl::Status port =
          CheckPort(bound.local_port(), "localPort", /*zero_ok=*/true);
      if (!port.ok())
        return port;
      if (bound.local_port() != 0 &&
          bound.local_port() < common::kFirstUnprivilegedPort) {
        // InvalidAccessError to the page, as Chrome 156 answers.
        return common::WithWebError(
            absl::PermissionDeniedError(absl::StrCat(
                "localPort ", bound.local_port(),
                " is below 1024; Direct Sockets may not bind privileged "
                "ports")),
            "InvalidAccessError");
      }
      if (bound.has_ipv6_only() &&
          !(local->is_ipv6() && local->IsUnspecified())) {
        return absl::InvalidArgumentError(
            absl::StrCat("ipv6Only applies only to localAddress \"::\", not \"",
                         bound.local_address(), "\""));
      }
      break;
    }
    case v1::OpenUDPSocket::MODE_NOT_SET:
      return absl::InvalidArgumentError(
          "open names no mode: it needs a remote address (connected) or a "
          "local address (bound)");
  }
  if (open.has_multicast_time_to_live() &&
      open.multicast_time_to_live() > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("multicastTimeToLive ", open.multicast_time_to_live(),
                     " is outside 0..255"));
  }
  // Our renderer leaves it out of a connected open, as Chrome ignores it
  // there; a renderer that sends it lies.
  if (open.multicast_allow_address_sharing() && open.has_connected()) {
    return absl::InvalidArgumentError(
        "multicastAllowAddressSharing applies only to bound sockets");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Destination>> ValidateDatagram(
    const v1::Datagram& datagram,
    bool connected,
    int socket_family,
    bool ipv6_only) {
  if (datagram.data().size() > common::kMaxDatagramSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "datagram of ", datagram.data().size(),
        " bytes is larger than the UDP limit of ", common::kMaxDatagramSize));
  }
  if (connected) {
    if (!datagram.remote_address().empty() || datagram.remote_port() != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a connected socket sends only to its remote address; this "
          "datagram names ",
          common::LogSafe(datagram.remote_address()), ":",
          datagram.remote_port()));
    }
    return std::optional<Destination>();
  }
  std::optional<IpAddress> address =
      IpAddress::Parse(datagram.remote_address());
  // One spelling per destination: an IPv4-mapped one is its IPv4 address
  // (mapped again below for a dual-stack socket).
  if (address)
    address = address->Unmapped();
  if (!address) {
    return absl::InvalidArgumentError(absl::StrCat(
        "remoteAddress \"", common::LogSafe(datagram.remote_address()),
        "\" is not an IP address (a bound socket sends to IP "
        "literals only)"));
  }
  absl::Status port =
      CheckPort(datagram.remote_port(), "remotePort", /*zero_ok=*/false);
  if (!port.ok())
    return port;
  if (address->IsUnspecified()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "remoteAddress ", address->ToString(), " is the unspecified address"));
  }
  Destination destination;
  if (socket_family == AF_INET && address->is_ipv6()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an IPv4 socket cannot send to IPv6 address ", address->ToString()));
  }
  if (socket_family == AF_INET6 && address->is_ipv4()) {
    if (ipv6_only) {
      return absl::InvalidArgumentError(
          absl::StrCat("this socket is ipv6Only and cannot send to IPv4 "
                       "address ",
                       address->ToString()));
    }
    address = address->Mapped();
  }
  destination.length = address->ToSockaddr(
      static_cast<uint16_t>(datagram.remote_port()), &destination.address);
  return std::optional<Destination>(destination);
}

}  // namespace network_service
