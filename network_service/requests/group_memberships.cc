#include "network_service/requests/group_memberships.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace network_service {

using ::common::SocketMembership;

GroupMemberships::GroupMemberships(AppRegistry* apps,
                                   PolicyEnforcer* policy,
                                   std::string origin)
    : apps_(apps), policy_(policy), origin_(std::move(origin)) {}

void GroupMemberships::Start(DatagramSocket* socket, uint16_t local_port) {
  socket_ = socket;
  local_port_ = local_port;
}

absl::Status GroupMemberships::CheckJoinIsConsistent(
    const SocketMembership& membership) const {
  for (const SocketMembership& held : held_) {
    if (held == membership) {
      return absl::FailedPreconditionError(
          absl::StrCat(membership.ToString(), ": already joined"));
    }
    if (held.group == membership.group &&
        held.is_source_specific() != membership.is_source_specific()) {
      return absl::FailedPreconditionError(absl::StrCat(
          membership.group.ToString(),
          ": any-source and source-specific memberships of one group "
          "cannot be mixed"));
    }
  }
  return absl::OkStatus();
}

absl::Status GroupMemberships::CheckLeaveIsConsistent(
    const SocketMembership& membership) const {
  if (std::find(held_.begin(), held_.end(), membership) == held_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(membership.ToString(), ": not joined on this socket"));
  }
  return absl::OkStatus();
}

absl::Status GroupMemberships::Join(const SocketMembership& membership) {
  if (held_.size() >= kMaxMembershipsPerSocket) {
    return absl::ResourceExhaustedError(absl::StrCat(
        membership.ToString(), ": this socket already holds ",
        kMaxMembershipsPerSocket,
        " memberships, the most one socket may hold; leave one first or use "
        "another socket"));
  }
  const size_t sources_of_group = std::count_if(
      held_.begin(), held_.end(),
      [&](const auto& held) { return held.group == membership.group; });
  if (membership.is_source_specific() &&
      sources_of_group >= kMaxSourcesPerGroup) {
    return absl::ResourceExhaustedError(absl::StrCat(
        membership.ToString(), ": group ", membership.group.ToString(),
        " already has ", kMaxSourcesPerGroup,
        " sources, the most one group's source set may have"));
  }
  absl::Status allowed = policy_->CheckJoin(origin_, membership, local_port_,
                                            apps_->memberships_of(origin_));
  if (!allowed.ok())
    return allowed;
  absl::Status app_slot = apps_->AcquireMembership(origin_);
  if (!app_slot.ok())
    return app_slot;
  absl::Status joined = socket_->JoinGroup(membership);
  if (!joined.ok()) {
    apps_->ReleaseMembership(origin_);
    return joined;
  }
  held_.push_back(membership);
  joined_at_.push_back(absl::Now());
  return absl::OkStatus();
}

absl::Status GroupMemberships::Leave(const SocketMembership& membership) {
  absl::Status left = socket_->LeaveGroup(membership);
  if (!left.ok())
    return left;
  const size_t index =
      std::find(held_.begin(), held_.end(), membership) - held_.begin();
  held_.erase(held_.begin() + index);
  joined_at_.erase(joined_at_.begin() + index);
  apps_->ReleaseMembership(origin_);
  return absl::OkStatus();
}

absl::Status GroupMemberships::CheckPolicy() const {
  for (const SocketMembership& membership : held_) {
    absl::Status allowed = policy_->CheckJoin(origin_, membership, local_port_);
    if (!allowed.ok())
      return allowed;
  }
  return absl::OkStatus();
}

void GroupMemberships::ReleaseAll() {
  for (size_t i = 0; i < held_.size(); ++i)
    apps_->ReleaseMembership(origin_);
  held_.clear();
  joined_at_.clear();
}

}  // namespace network_service
