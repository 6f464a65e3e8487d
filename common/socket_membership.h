#ifndef COMMON_SOCKET_MEMBERSHIP_H_
#define COMMON_SOCKET_MEMBERSHIP_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/ip_address.h"

namespace common {

// One multicast membership of a socket: a group, and for source-specific
// multicast (SSM) one allowed source. Several memberships of one group with
// different sources form that group's source set. (The page's view of one is
// the IDL dictionary MulticastMembership, renderer/multicast_controller.h.)
// A value type; any thread.
struct SocketMembership {
  IpAddress group;
  std::optional<IpAddress> source;  // Absent: any-source (ASM).

  bool is_source_specific() const { return source.has_value(); }
  // "239.1.1.1" or "232.1.1.1 from 10.0.0.9", for messages.
  std::string ToString() const;

  friend bool operator==(const SocketMembership& a, const SocketMembership& b) {
    return a.group == b.group && a.source == b.source;
  }
};

// What the socket a membership is for looks like, for the family rules.
struct MulticastSocketFamily {
  bool ipv6 = false;        // An AF_INET6 socket.
  bool dual_stack = false;  // Bound to "::" without ipv6Only.
};

// The explainer's argument rules for joinGroup/leaveGroup, shared by the
// renderer (which throws) and the network service (which treats a breach as
// a broken renderer). INVALID_ARGUMENT (the web's TypeError) when:
//  - the group is empty, not an IP literal (host names and IPv6 zone ids
//    such as "%eth0" are refused: the OS picks the interface), or not
//    multicast (224.0.0.0/4, ff00::/8; an IPv4-mapped IPv6 literal is not);
//  - the source is empty, not an IP literal, multicast, unspecified,
//    IPv4-mapped, or of the other IP version than the group (a loopback
//    source is a sender on this machine, as Chrome allows).
// ASM joins inside the SSM ranges (232/8, ff3x::/32) are allowed, as Linux
// allows them (see docs/multicast.md).
absl::StatusOr<SocketMembership> ParseSocketMembership(
    absl::string_view group,
    const std::optional<std::string>& source);

// FAILED_PRECONDITION (InvalidStateError) when `membership`'s group cannot be
// joined on such a socket: an IPv6 group on an IPv4 socket, or an IPv4
// group on an IPv6 socket that is not dual-stack.
absl::Status CheckGroupFitsSocket(const SocketMembership& membership,
                                  const MulticastSocketFamily& socket);

}  // namespace common

#endif  // COMMON_SOCKET_MEMBERSHIP_H_
