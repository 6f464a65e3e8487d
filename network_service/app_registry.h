#ifndef NETWORK_SERVICE_APP_REGISTRY_H_
#define NETWORK_SERVICE_APP_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "network_service/datagram_pipe.h"
#include "network_service/log_limiter.h"
#include "network_service/send_rate_limiter.h"

namespace network_service {

// Which isolated app each renderer channel speaks for, as the host said when
// it handed the channel over (ControlChannel), and what each app holds. A
// renderer never names its own origin: the service finds it from the
// channel a call arrived on (gRPC's peer "fd:N"). Owned by main(). Channel
// lookups are thread-safe (gRPC threads); the resource counts are for the
// loop thread only.
// The app a channel speaks for, as the host said: its origin and the
// permissions-policy features its manifest grants.
struct AppIdentity {
  std::string origin;
  std::set<std::string> permissions;
  // The channel's datagram pipe, when its host gave one (not who the app
  // is, but it travels with the channel the same way). Loop thread only.
  std::shared_ptr<DatagramPipe> datagram_pipe;
  bool has(const std::string& feature) const {
    return permissions.count(feature) > 0;
  }
};

// Datagrams and bytes an app's sockets moved, and packets the kernel
// dropped on them (the admin's view).
struct Traffic {
  uint64_t datagrams_in = 0;
  uint64_t bytes_in = 0;
  uint64_t datagrams_out = 0;
  uint64_t bytes_out = 0;
  uint64_t kernel_drops = 0;
  Traffic& operator+=(const Traffic& other) {
    datagrams_in += other.datagrams_in;
    bytes_in += other.bytes_in;
    datagrams_out += other.datagrams_out;
    bytes_out += other.bytes_out;
    kernel_drops += other.kernel_drops;
    return *this;
  }
};

class AppRegistry {
 public:
  // Per-app caps, so one app cannot exhaust the service's descriptors or
  // the kernel's membership tables.
  static constexpr size_t kMaxSocketsPerApp = 64;
  static constexpr size_t kMaxMembershipsPerApp = 256;
  // Socket streams one app may hold at once, opened or not (each costs the
  // service memory before it opens): the socket cap and room for streams
  // that are closing. Also the connection's HTTP/2 stream limit.
  static constexpr size_t kMaxStreamsPerApp = kMaxSocketsPerApp + 16;
  // Payload bytes of send requests an app's sockets may hold at once
  // (held by the send rate, or queued in libuv), across its sockets.
  static constexpr size_t kMaxPendingSendBytesPerApp = 8 << 20;
  // The origin of calls on the listening socket (no host vouched for them).
  static constexpr char kUnboundOrigin[] = "(no app: listening socket)";

  AppRegistry() = default;
  AppRegistry(const AppRegistry&) = delete;
  AppRegistry& operator=(const AppRegistry&) = delete;

  // Any thread. `fd` is the service's end of a renderer's channel.
  void BindChannel(int fd, AppIdentity app);
  // Any thread: the app of a call whose peer is `peer`; for calls on the
  // listening socket, the unbound origin with every feature.
  AppIdentity AppOfPeer(const std::string& peer) const;

  // Loop thread. RESOURCE_EXHAUSTED names the app and the cap.
  absl::Status AcquireSocket(const std::string& origin);
  void ReleaseSocket(const std::string& origin);
  // Any thread: a socket stream of the app begins or ends.
  // RESOURCE_EXHAUSTED beyond kMaxStreamsPerApp.
  absl::Status AcquireStream(const std::string& origin);
  void ReleaseStream(const std::string& origin);
  // Loop thread: send bytes the app's sockets hold. RESOURCE_EXHAUSTED
  // beyond kMaxPendingSendBytesPerApp.
  absl::Status AcquireSendBytes(const std::string& origin, size_t bytes);
  void ReleaseSendBytes(const std::string& origin, size_t bytes);
  absl::Status AcquireMembership(const std::string& origin);
  void ReleaseMembership(const std::string& origin);
  size_t sockets_of(const std::string& origin) const;
  // Loop thread: how often the service logs a broken request of each app
  // (keyed by origin): 5 lines a 10 s, the rest counted.
  LogLimiter& broken_request_log() { return broken_request_log_; }
  // Loop thread: the app's multicast send rate, shared by all its sockets
  // (made empty at `now_ms` on first use).
  SendRateLimiter& SendRateOf(const std::string& origin, uint64_t now_ms);
  size_t memberships_of(const std::string& origin) const;
  // Loop thread: what a socket of the app moved, as it closes, so that the
  // app's totals (closed sockets and open ones) only ever grow.
  void RetireTraffic(const std::string& origin, const Traffic& traffic);
  Traffic retired_traffic_of(const std::string& origin) const;

 private:
  struct Holdings {
    size_t sockets = 0;
    size_t memberships = 0;
    size_t pending_send_bytes = 0;
    std::optional<SendRateLimiter> send_rate;
    Traffic retired;
  };

  mutable absl::Mutex mutex_;
  std::map<int, AppIdentity> app_of_fd_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, size_t> streams_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, Holdings> holdings_;             // Loop thread.
  LogLimiter broken_request_log_{5, absl::Seconds(10)};  // Loop thread.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_APP_REGISTRY_H_
