#include "common/socket_membership.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log_text.h"

namespace common {
namespace {

// Why `text` is not an IP literal, in words a developer can act on.
std::string WhyNotALiteral(absl::string_view member, absl::string_view text) {
  if (absl::StrContains(text, '%')) {
    return absl::StrCat(member, " \"", LogSafe(text),
                        "\" has a zone id; zone ids are not supported, the "
                        "operating system chooses the interface");
  }
  return absl::StrCat(member, " \"", LogSafe(text),
                      "\" is not an IP address literal (host names are not "
                      "allowed)");
}

}  // namespace

std::string SocketMembership::ToString() const {
  if (!source)
    return group.ToString();
  return absl::StrCat(group.ToString(), " from ", source->ToString());
}

absl::StatusOr<SocketMembership> ParseSocketMembership(
    absl::string_view group_text,
    const std::optional<std::string>& source_text) {
  if (group_text.empty()) {
    return absl::InvalidArgumentError("groupAddress is empty");
  }
  std::optional<IpAddress> group = IpAddress::Parse(group_text);
  if (!group) {
    return absl::InvalidArgumentError(
        WhyNotALiteral("groupAddress", group_text));
  }
  if (group->IsIpv4Mapped()) {
    // The kernel would take it as the IPv4 group on an IPv6 socket; one
    // spelling per group keeps the policy and the renderer's bookkeeping
    // about the same group.
    return absl::InvalidArgumentError(
        absl::StrCat("groupAddress ", group->ToString(),
                     " is IPv4-mapped; give its IPv4 "
                     "form ",
                     group->Unmapped().ToString()));
  }
  if (!group->IsMulticast()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "groupAddress ", group->ToString(),
        " is not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8)"));
  }
  SocketMembership membership{*group, std::nullopt};
  if (!source_text)
    return membership;

  if (source_text->empty()) {
    return absl::InvalidArgumentError(
        "sourceAddress is empty; leave it out for any-source multicast");
  }
  std::optional<IpAddress> source = IpAddress::Parse(*source_text);
  if (!source) {
    return absl::InvalidArgumentError(
        WhyNotALiteral("sourceAddress", *source_text));
  }
  const std::string shown = source->ToString();
  if (source->IsMulticast()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sourceAddress ", shown,
                     " is a multicast address; a source is the "
                     "unicast address of a sender"));
  }
  if (source->IsUnspecified()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sourceAddress ", shown,
                     " is the unspecified address; a source is the unicast "
                     "address of a sender"));
  }
  if (source->IsIpv4Mapped()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sourceAddress ", shown,
                     " is IPv4-mapped; give the IPv4 form with an IPv4 group"));
  }
  if (source->family() != group->family()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sourceAddress ", shown, " is ", source->is_ipv4() ? "IPv4" : "IPv6",
        " but groupAddress ", group->ToString(), " is ",
        group->is_ipv4() ? "IPv4" : "IPv6", "; both must be the same version"));
  }
  membership.source = *source;
  return membership;
}

absl::Status CheckGroupFitsSocket(const SocketMembership& membership,
                                  const MulticastSocketFamily& socket) {
  if (membership.group.is_ipv6() && !socket.ipv6) {
    return absl::FailedPreconditionError(absl::StrCat(
        membership.group.ToString(),
        ": an IPv4 socket cannot join an IPv6 group; bind to \"::\" or an "
        "IPv6 address"));
  }
  if (membership.group.is_ipv4() && socket.ipv6 && !socket.dual_stack) {
    return absl::FailedPreconditionError(absl::StrCat(
        membership.group.ToString(),
        ": this IPv6 socket does not receive IPv4; bind to \"0.0.0.0\", or "
        "to \"::\" without ipv6Only"));
  }
  return absl::OkStatus();
}

}  // namespace common
