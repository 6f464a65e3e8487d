#ifndef TESTS_NETWORK_SERVICE_PROCESS_H_
#define TESTS_NETWORK_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tests {

// Runs the real network_service binary as a child process for one test, in
// a private temporary directory under /tmp (Bazel's TEST_TMPDIR is too long
// for a Unix socket path). Reads kernel and process state of the child for
// assertions. The destructor kills the child and removes the directory, so
// nothing outlives a failing test. Test thread only.
class NetworkServiceProcess {
 public:
  NetworkServiceProcess();
  NetworkServiceProcess(const NetworkServiceProcess&) = delete;
  NetworkServiceProcess& operator=(const NetworkServiceProcess&) = delete;
  ~NetworkServiceProcess();

  // Starts the service and waits (bounded) until it says it listens. Its
  // callers are the tests themselves (no host vouches for them), and they
  // exercise every feature: no policy is enforced
  // (--unsafe-development-mode) unless `policy_dir` is given.
  absl::Status Start(const std::string& policy_dir = "");
  // SIGKILL, then reaps.
  void Kill();
  // SIGTERM; waits up to `timeout` for exit. Returns the exit status
  // (waitpid's), or an error if it did not exit in time.
  absl::StatusOr<int> Terminate(absl::Duration timeout);

  pid_t pid() const { return pid_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& directory() const { return directory_; }

  // Open file descriptors of the service (/proc/PID/fd).
  int OpenFdCount() const;
  // Resident memory in KiB (/proc/PID/status VmRSS).
  int64_t ResidentKb() const;
  // UDP sockets of the service bound to `port`, from the service's
  // /proc/PID/net/udp and udp6; `drops` sums their kernel drop counters.
  struct UDPSocketState {
    int count = 0;
    int64_t drops = 0;
  };
  UDPSocketState UDPSocketsOnPort(uint16_t port) const;

 private:
  std::string directory_;
  std::string socket_path_;
  pid_t pid_ = -1;
};

// UDP sockets of process `pid` bound to `port` (see
// NetworkServiceProcess::UDPSocketsOnPort).
NetworkServiceProcess::UDPSocketState UDPSocketsOfProcessOnPort(pid_t pid,
                                                                uint16_t port);
// Open file descriptors of `pid` (/proc/PID/fd), or -1.
int OpenFdCountOf(pid_t pid);
// Listening Unix sockets among the open descriptors of `pid`.
int ListeningUnixSocketsOf(pid_t pid);

// Memory bounds in tests are set for the plain build. Under AddressSanitizer
// (bazel test --config=asan) every allocation carries redzones, shadow and a
// quarantine, so a bound is multiplied by this.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr int64_t kSanitizerMemoryFactor = 3;
#else
inline constexpr int64_t kSanitizerMemoryFactor = 1;
#endif

// Path of a binary built by Bazel, from the test's runfiles.
std::string RunfilePath(const std::string& workspace_relative);

}  // namespace tests

#endif  // TESTS_NETWORK_SERVICE_PROCESS_H_
