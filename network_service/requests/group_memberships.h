#ifndef NETWORK_SERVICE_REQUESTS_GROUP_MEMBERSHIPS_H_
#define NETWORK_SERVICE_REQUESTS_GROUP_MEMBERSHIPS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/socket_membership.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/socket/datagram_socket.h"

namespace network_service {

// One socket's multicast group memberships, and where a join is checked
// before it reaches the kernel: the socket's limits, the admin's policy, the
// app's cap, then DatagramSocket::JoinGroup. Holds what the kernel
// confirmed, in join order, each counted against the app.
//
// Owned by a RestrictedUDPSocket; loop thread only.
class GroupMemberships {
 public:
  // Memberships one socket may hold: the kernel's IPv4 default
  // (net.ipv4.igmp_max_memberships), applied to both families so a socket
  // behaves the same whatever its groups.
  static constexpr size_t kMaxMembershipsPerSocket = 20;
  // Sources in one group's source set: the kernel's default
  // (net.ipv4.igmp_max_msf).
  static constexpr size_t kMaxSourcesPerGroup = 10;

  // `apps` and `policy` (not owned) outlive this.
  GroupMemberships(AppRegistry* apps,
                   PolicyEnforcer* policy,
                   std::string origin);
  GroupMemberships(const GroupMemberships&) = delete;
  GroupMemberships& operator=(const GroupMemberships&) = delete;

  // The socket opened, bound to `local_port`: memberships go to `socket`
  // (not owned; outlives this).
  void Start(DatagramSocket* socket, uint16_t local_port);

  // FAILED_PRECONDITION for what an honest renderer never asks (it keeps
  // the same list): joining a membership held, mixing any-source and
  // source-specific memberships of one group, leaving one not held.
  absl::Status CheckJoinIsConsistent(
      const common::SocketMembership& membership) const;
  absl::Status CheckLeaveIsConsistent(
      const common::SocketMembership& membership) const;

  // Joins, after the limits (RESOURCE_EXHAUSTED), the policy
  // (PERMISSION_DENIED) and the app's cap (RESOURCE_EXHAUSTED); then the
  // kernel's answer. Requires CheckJoinIsConsistent.
  absl::Status Join(const common::SocketMembership& membership);
  // Leaves; the kernel's answer. Requires CheckLeaveIsConsistent.
  absl::Status Leave(const common::SocketMembership& membership);

  // The admin's policy again (after it changed): the first membership it no
  // longer allows, as the policy's refusal.
  absl::Status CheckPolicy() const;
  // The socket closed and the kernel dropped them: the app holds them no
  // more.
  void ReleaseAll();

  // What the kernel confirmed, in join order, and when each was joined.
  const std::vector<common::SocketMembership>& held() const { return held_; }
  const std::vector<absl::Time>& joined_at() const { return joined_at_; }

 private:
  AppRegistry* const apps_;
  PolicyEnforcer* const policy_;
  const std::string origin_;
  DatagramSocket* socket_ = nullptr;
  uint16_t local_port_ = 0;
  std::vector<common::SocketMembership> held_;
  std::vector<absl::Time> joined_at_;  // held_[i] joined at joined_at_[i].
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_GROUP_MEMBERSHIPS_H_
