#ifndef NETWORK_SERVICE_FORKED_NETWORK_SERVICE_H_
#define NETWORK_SERVICE_FORKED_NETWORK_SERVICE_H_

#include <sys/types.h>

#include <memory>

#include "absl/status/statusor.h"
#include "network_service/network_service.h"

namespace network_service {

// The network service as a child process, forked from the calling program
// and run through this library (no binary to find): for a program that
// measures the process split, such as bench/. Fork-safe only while the
// caller has made no thread and started no gRPC: call it first in main().
// The child dies with its parent. Destroying this ends the child (SIGTERM,
// then SIGKILL after 5 s) and reaps it. Owned by that main(); main thread.
class ForkedNetworkService {
 public:
  // Forks; the child starts the service with `options` and runs it. Returns
  // once the child printed its ready line, or with what went wrong.
  static absl::StatusOr<std::unique_ptr<ForkedNetworkService>> Start(
      const NetworkService::Options& options);
  ForkedNetworkService(const ForkedNetworkService&) = delete;
  ForkedNetworkService& operator=(const ForkedNetworkService&) = delete;
  ~ForkedNetworkService();

  pid_t pid() const { return pid_; }

 private:
  explicit ForkedNetworkService(pid_t pid) : pid_(pid) {}

  pid_t pid_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_FORKED_NETWORK_SERVICE_H_
