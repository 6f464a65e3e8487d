#include "network_service/app_registry.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/local_network_access.h"

namespace network_service {

void AppRegistry::BindChannel(int fd, AppIdentity app) {
  absl::MutexLock lock(&mutex_);
  // A descriptor number is reused once its channel closed: replace.
  app_of_fd_[fd] = std::move(app);
}

AppIdentity AppRegistry::AppOfPeer(const std::string& peer) const {
  absl::string_view rest = peer;
  int fd;
  if (absl::ConsumePrefix(&rest, "fd:") && absl::SimpleAtoi(rest, &fd)) {
    absl::MutexLock lock(&mutex_);
    auto it = app_of_fd_.find(fd);
    if (it != app_of_fd_.end())
      return it->second;
  }
  const std::vector<std::string> all = common::AllFeatures();
  return AppIdentity{kUnboundOrigin, {all.begin(), all.end()}};
}

absl::Status AppRegistry::AcquireSocket(const std::string& origin) {
  Holdings& held = holdings_[origin];
  if (held.sockets >= kMaxSocketsPerApp) {
    return absl::ResourceExhaustedError(absl::StrCat(
        origin, " already has ", kMaxSocketsPerApp,
        " sockets open, the most one app may have; close one first"));
  }
  ++held.sockets;
  return absl::OkStatus();
}

void AppRegistry::ReleaseSocket(const std::string& origin) {
  Holdings& held = holdings_[origin];
  if (held.sockets > 0)
    --held.sockets;
}

absl::Status AppRegistry::AcquireStream(const std::string& origin) {
  absl::MutexLock lock(&mutex_);
  size_t& streams = streams_[origin];
  if (streams >= kMaxStreamsPerApp) {
    return absl::ResourceExhaustedError(absl::StrCat(
        origin, " already has ", kMaxStreamsPerApp,
        " socket streams, the most one app may have; close a socket first"));
  }
  ++streams;
  return absl::OkStatus();
}

void AppRegistry::ReleaseStream(const std::string& origin) {
  absl::MutexLock lock(&mutex_);
  auto it = streams_.find(origin);
  if (it != streams_.end() && it->second > 0 && --it->second == 0)
    streams_.erase(it);
}

absl::Status AppRegistry::AcquireSendBytes(const std::string& origin,
                                           size_t bytes) {
  Holdings& held = holdings_[origin];
  if (held.pending_send_bytes + bytes > kMaxPendingSendBytesPerApp) {
    return absl::ResourceExhaustedError(absl::StrCat(
        origin, " already has ", held.pending_send_bytes,
        " bytes waiting to be sent across its sockets, the most one app may "
        "have is ",
        kMaxPendingSendBytesPerApp,
        "; wait for writes to finish before writing more"));
  }
  held.pending_send_bytes += bytes;
  return absl::OkStatus();
}

void AppRegistry::ReleaseSendBytes(const std::string& origin, size_t bytes) {
  Holdings& held = holdings_[origin];
  held.pending_send_bytes -= std::min(bytes, held.pending_send_bytes);
}

absl::Status AppRegistry::AcquireMembership(const std::string& origin) {
  Holdings& held = holdings_[origin];
  if (held.memberships >= kMaxMembershipsPerApp) {
    return absl::ResourceExhaustedError(
        absl::StrCat(origin, " already holds ", kMaxMembershipsPerApp,
                     " multicast memberships, the most one app may hold"));
  }
  ++held.memberships;
  return absl::OkStatus();
}

void AppRegistry::ReleaseMembership(const std::string& origin) {
  Holdings& held = holdings_[origin];
  if (held.memberships > 0)
    --held.memberships;
}

size_t AppRegistry::memberships_of(const std::string& origin) const {
  auto it = holdings_.find(origin);
  return it == holdings_.end() ? 0 : it->second.memberships;
}

SendRateLimiter& AppRegistry::SendRateOf(const std::string& origin,
                                         uint64_t now_ms) {
  Holdings& held = holdings_[origin];
  if (!held.send_rate)
    held.send_rate.emplace(now_ms);
  return *held.send_rate;
}

size_t AppRegistry::sockets_of(const std::string& origin) const {
  auto it = holdings_.find(origin);
  return it == holdings_.end() ? 0 : it->second.sockets;
}

void AppRegistry::RetireTraffic(const std::string& origin,
                                const Traffic& traffic) {
  holdings_[origin].retired += traffic;
}

Traffic AppRegistry::retired_traffic_of(const std::string& origin) const {
  auto it = holdings_.find(origin);
  return it == holdings_.end() ? Traffic() : it->second.retired;
}

}  // namespace network_service
