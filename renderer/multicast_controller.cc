#include "renderer/multicast_controller.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace renderer {

namespace v1 = ::direct_sockets::v1;
using Membership = ::common::SocketMembership;

namespace {

// Blink's form for what a method throws: "Failed to execute 'joinGroup' on
// 'MulticastController': SENTENCE".
std::string Failed(const char* operation, absl::string_view sentence) {
  return absl::StrCat("Failed to execute '", operation,
                      "' on 'MulticastController': ", sentence);
}

ScriptError InvalidState(const char* operation, absl::string_view sentence) {
  return ScriptError::DomException("InvalidStateError",
                                   Failed(operation, sentence));
}

// Blink's checks of an address argument `ip` (its text parsed, or nullopt)
// in its order and words (ParseAndValidateGroupIPs). An IPv4-mapped
// address is IPv6 there (not of an IPv4 group's version), and multicast
// when the IPv4 address is.
std::optional<std::string> WhyNotBlinksAddress(
    const std::optional<common::IpAddress>& ip,
    const char* name,
    bool multicast) {
  if (!ip)
    return absl::StrCat(name, " is not a valid IPv4 or IPv6 address");
  const bool is_multicast = ip->IsMulticast();
  if (multicast && !is_multicast)
    return absl::StrCat(name, " must be a valid multicast address");
  if (!multicast && is_multicast)
    return absl::StrCat(name,
                        " must be a unicast address, not a multicast "
                        "address");
  if (!multicast && ip->IsUnspecified())
    return absl::StrCat(name, " must not be the zero address (0.0.0.0 or ::)");
  return std::nullopt;
}

}  // namespace

MulticastController::MulticastController(
    Delegate* delegate,
    common::MulticastSocketFamily socket_family)
    : delegate_(delegate), socket_family_(socket_family) {}

MulticastController::~MulticastController() = default;

std::optional<Membership> MulticastController::Parse(
    const char* operation,
    const std::string& group_address,
    const MulticastGroupOptions& options,
    std::optional<ScriptError>* error) const {
  auto type_error = [&](absl::string_view sentence) {
    *error = ScriptError::TypeError(Failed(operation, sentence));
    return std::nullopt;
  };
  if (group_address.empty())
    return type_error("ipAddress must not be empty");
  const std::optional<common::IpAddress> group =
      common::IpAddress::Parse(group_address);
  if (auto why = WhyNotBlinksAddress(group, "ipAddress", true))
    return type_error(*why);
  if (options.sourceAddress) {
    if (options.sourceAddress->empty())
      return type_error("sourceAddress must not be empty");
    const std::optional<common::IpAddress> source =
        common::IpAddress::Parse(*options.sourceAddress);
    if (auto why = WhyNotBlinksAddress(source, "sourceAddress", false))
      return type_error(*why);
    if (group->is_ipv4() != source->is_ipv4()) {
      return type_error(
          "sourceAddress and ipAddress must be the same IP version");
    }
  }
  // An IPv4-mapped group passes Blink's checks; Chrome's network service
  // then refuses it (net::ERR_ADDRESS_INVALID), as ours does.
  if (group->IsIpv4Mapped()) {
    *error =
        ScriptError::DomException("DataError", "The address is not valid.");
    return std::nullopt;
  }
  // The rules the service also keeps (common/socket_membership.h), in our
  // words where Blink has none.
  absl::StatusOr<Membership> membership =
      common::ParseSocketMembership(group_address, options.sourceAddress);
  if (!membership.ok())
    return type_error(membership.status().message());
  return *membership;
}

const MulticastController::InFlight* MulticastController::FindInFlight(
    const Membership& membership,
    bool join) const {
  for (const InFlight& request : in_flight_) {
    if (request.join == join && request.membership == membership)
      return &request;
  }
  return nullptr;
}

bool MulticastController::IsJoined(const Membership& membership) const {
  return std::find(joined_.begin(), joined_.end(), membership) != joined_.end();
}

Promise<Undefined> MulticastController::joinGroup(
    const std::string& group_address,
    const MulticastGroupOptions& options) {
  constexpr char kJoin[] = "joinGroup";
  // The state first, as Blink checks it before reading the address.
  if (closed_) {
    return Promise<Undefined>::Rejected(
        InvalidState(kJoin, "Cannot join group if the socket is not opened"));
  }
  std::optional<ScriptError> error;
  std::optional<Membership> membership =
      Parse(kJoin, group_address, options, &error);
  if (!membership)
    return Promise<Undefined>::Rejected(*error);
  if (IsJoined(*membership)) {
    return Promise<Undefined>::Rejected(InvalidState(
        kJoin, "Cannot join the same group/source combination again"));
  }
  if (FindInFlight(*membership, /*join=*/true)) {
    return Promise<Undefined>::Rejected(
        InvalidState(kJoin, "Already joining this group/source combination"));
  }
  // Any-source and source-specific memberships of one group do not mix,
  // whether joined or on their way.
  const bool ssm = membership->is_source_specific();
  auto mixes = [&](const Membership& other) {
    return other.group == membership->group &&
           other.is_source_specific() != ssm;
  };
  if (std::any_of(joined_.begin(), joined_.end(), mixes)) {
    return Promise<Undefined>::Rejected(InvalidState(
        kJoin, ssm ? "Cannot join SSM group for which ASM membership already "
                     "exists"
                   : "Cannot join ASM group for which SSM membership already "
                     "exists"));
  }
  if (std::any_of(in_flight_.begin(), in_flight_.end(), [&](const InFlight& r) {
        return r.join && mixes(r.membership);
      })) {
    return Promise<Undefined>::Rejected(InvalidState(
        kJoin, ssm ? "Cannot join SSM group while an ASM join for the same "
                     "group is pending"
                   : "Cannot join ASM group while an SSM join for the same "
                     "group is pending"));
  }
  // A group of a family this socket cannot join: Chrome's network service
  // refuses it (net::ERR_ADDRESS_INVALID), and so does ours; the renderer
  // says so without asking.
  if (!common::CheckGroupFitsSocket(*membership, socket_family_).ok()) {
    return Promise<Undefined>::Rejected(
        ScriptError::DomException("DataError", "The address is not valid."));
  }
  return Send(*membership, /*join=*/true);
}

Promise<Undefined> MulticastController::leaveGroup(
    const std::string& group_address,
    const MulticastGroupOptions& options) {
  constexpr char kLeave[] = "leaveGroup";
  if (closed_) {
    return Promise<Undefined>::Rejected(
        InvalidState(kLeave, "Cannot leave group if the socket is not opened"));
  }
  std::optional<ScriptError> error;
  std::optional<Membership> membership =
      Parse(kLeave, group_address, options, &error);
  if (!membership)
    return Promise<Undefined>::Rejected(*error);
  if (!IsJoined(*membership)) {
    return Promise<Undefined>::Rejected(
        InvalidState(kLeave, "Cannot leave group which is not joined"));
  }
  if (FindInFlight(*membership, /*join=*/false)) {
    return Promise<Undefined>::Rejected(
        InvalidState(kLeave, "Already leaving the group"));
  }
  return Send(*membership, /*join=*/false);
}

Promise<Undefined> MulticastController::Send(const Membership& membership,
                                             bool join) {
  v1::MulticastGroup group;
  group.set_group_address(membership.group.ToString());
  if (membership.source)
    group.set_source_address(membership.source->ToString());
  Promise<Undefined> promise;
  const uint64_t id = delegate_->SendMembershipRequest(join, std::move(group));
  in_flight_.push_back({id, membership, join, promise});
  return promise;
}

std::vector<JoinedGroup> MulticastController::joinedGroups() const {
  std::vector<JoinedGroup> groups;
  groups.reserve(joined_.size());
  for (const Membership& membership : joined_) {
    if (membership.source) {
      groups.push_back(renderer::MulticastMembership{
          membership.group.ToString(), membership.source->ToString()});
    } else {
      groups.push_back(membership.group.ToString());
    }
  }
  return groups;
}

bool MulticastController::OnResult(uint64_t request_id,
                                   const absl::Status& status) {
  auto it = std::find_if(
      in_flight_.begin(), in_flight_.end(),
      [request_id](const InFlight& r) { return r.request_id == request_id; });
  if (it == in_flight_.end())
    return false;
  InFlight request = std::move(*it);
  in_flight_.erase(it);
  if (!status.ok()) {
    request.promise.Reject(ScriptError::FromStatus(status));
    return true;
  }
  if (request.join) {
    joined_.push_back(request.membership);
  } else {
    joined_.erase(
        std::remove(joined_.begin(), joined_.end(), request.membership),
        joined_.end());
  }
  request.promise.Resolve({});
  return true;
}

void MulticastController::OnSocketClosed() {
  if (closed_)
    return;
  closed_ = true;
  joined_.clear();
  std::vector<InFlight> in_flight = std::move(in_flight_);
  in_flight_.clear();
  for (InFlight& request : in_flight) {
    request.promise.Reject(
        ScriptError::DomException("AbortError", "Socket closed."));
  }
}

}  // namespace renderer
