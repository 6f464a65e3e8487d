#include "renderer/multicast_controller.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace renderer {

namespace v1 = ::direct_sockets::v1;
using Membership = ::common::SocketMembership;

namespace {

ScriptError InvalidState(std::string message) {
  return ScriptError::DomException("InvalidStateError", std::move(message));
}

}  // namespace

MulticastController::MulticastController(
    Delegate* delegate,
    common::MulticastSocketFamily socket_family)
    : delegate_(delegate), socket_family_(socket_family) {}

MulticastController::~MulticastController() = default;

std::optional<Membership> MulticastController::Parse(
    const std::string& group_address,
    const MulticastGroupOptions& options,
    std::optional<ScriptError>* error) const {
  absl::StatusOr<Membership> membership =
      common::ParseSocketMembership(group_address, options.sourceAddress);
  if (!membership.ok()) {
    *error = ScriptError::TypeError(std::string(membership.status().message()));
    return std::nullopt;
  }
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
  std::optional<ScriptError> error;
  std::optional<Membership> membership = Parse(group_address, options, &error);
  if (!membership)
    return Promise<Undefined>::Rejected(*error);
  const std::string name = membership->ToString();
  if (IsJoined(*membership)) {
    return Promise<Undefined>::Rejected(
        InvalidState(absl::StrCat(name, ": already joined on this socket")));
  }
  if (FindInFlight(*membership, /*join=*/true)) {
    return Promise<Undefined>::Rejected(InvalidState(
        absl::StrCat(name, ": a join of it is already in flight")));
  }
  if (closed_) {
    return Promise<Undefined>::Rejected(
        InvalidState(absl::StrCat(name, ": the socket is closed")));
  }
  // Any-source and source-specific memberships of one group do not mix,
  // whether joined or on their way.
  auto mixes = [&](const Membership& other) {
    return other.group == membership->group &&
           other.is_source_specific() != membership->is_source_specific();
  };
  const bool mixed =
      std::any_of(joined_.begin(), joined_.end(), mixes) ||
      std::any_of(in_flight_.begin(), in_flight_.end(), [&](const InFlight& r) {
        return r.join && mixes(r.membership);
      });
  if (mixed) {
    return Promise<Undefined>::Rejected(InvalidState(absl::StrCat(
        name, ": group ", membership->group.ToString(), " already has ",
        membership->is_source_specific() ? "an any-source"
                                         : "a source-specific",
        " membership on this socket; any-source and source-specific cannot "
        "be mixed on one group")));
  }
  absl::Status fits = common::CheckGroupFitsSocket(*membership, socket_family_);
  if (!fits.ok()) {
    return Promise<Undefined>::Rejected(
        InvalidState(std::string(fits.message())));
  }
  return Send(*membership, /*join=*/true);
}

Promise<Undefined> MulticastController::leaveGroup(
    const std::string& group_address,
    const MulticastGroupOptions& options) {
  std::optional<ScriptError> error;
  std::optional<Membership> membership = Parse(group_address, options, &error);
  if (!membership)
    return Promise<Undefined>::Rejected(*error);
  const std::string name = membership->ToString();
  if (closed_) {
    return Promise<Undefined>::Rejected(
        InvalidState(absl::StrCat(name, ": the socket is closed")));
  }
  if (!IsJoined(*membership)) {
    return Promise<Undefined>::Rejected(InvalidState(absl::StrCat(
        name,
        FindInFlight(*membership, /*join=*/true)
            ? ": its join is still in flight; wait for it before leaving"
            : ": not joined on this socket (a source-specific membership is "
              "left with the same sourceAddress)")));
  }
  if (FindInFlight(*membership, /*join=*/false)) {
    return Promise<Undefined>::Rejected(InvalidState(
        absl::StrCat(name, ": a leave of it is already in flight")));
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
    request.promise.Reject(ScriptError::DomException(
        "AbortError",
        absl::StrCat("the socket closed before the ",
                     request.join ? "join of " : "leave of ",
                     request.membership.ToString(), " completed")));
  }
}

}  // namespace renderer
