// The network service process: owns every real UDP socket of the renderers
// that connect to it. See docs/architecture.md.
//
// Usage:
//   network_service --control_fd=N    started by a host (host/): renderer
//       channels arrive on the inherited control socket N, each bound to its
//       app's origin; there is no listening socket. EOF on N (the host
//       exited) shuts the service down.
//   network_service --socket_path=/run/dsock/network.sock   standalone: a
//       listening socket for development and tests; its calls belong to no
//       app.
// Prints "network_service: listening on unix:PATH (pid N)" or
// "network_service: serving host channels (pid N)" on stdout once ready;
// SIGTERM or SIGINT shut it down cleanly (every socket closed, every stream
// ended with UNAVAILABLE, the socket file removed).
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "common/logging.h"
#include "network_service/network_service.h"

ABSL_FLAG(int,
          control_fd,
          -1,
          "Inherited control socket from the host (SOCK_SEQPACKET): renderer "
          "channels and their origins arrive on it.");
ABSL_FLAG(std::string,
          policy_dir,
          "",
          "The managed policy directory (docs/policy.md). Without it the "
          "device is unmanaged: no app may use multicast, plain sockets "
          "follow Chrome's defaults.");
ABSL_FLAG(bool,
          unsafe_development_mode,
          false,
          "Enforce no policy at all: every app may use multicast. For "
          "development only; never on a device someone manages. Cannot be "
          "combined with --policy_dir.");
ABSL_FLAG(std::string,
          audit_log,
          "",
          "Where policy refusals go, one JSON object a line (default: "
          "stderr).");
ABSL_FLAG(int,
          v,
          0,
          "Log verbosity: 1 logs each socket opened and closed and each join "
          "and leave.");
ABSL_FLAG(std::string,
          socket_path,
          "",
          "Unix socket to listen on. Its directory is created owner-only "
          "(0700) if missing and must not be open to others; the socket is "
          "0600.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Direct Sockets network service.\n"
      "Usage: network_service --socket_path=/absolute/dir/network.sock");
  absl::ParseCommandLine(argc, argv);
  common::InitLogging("network_service", absl::GetFlag(FLAGS_v));
  signal(SIGPIPE, SIG_IGN);
  // Debian's abseil checks every Mutex for lock-order cycles (a graph
  // lookup per lock, seen in profiles of the datagram path); our locks are
  // leaves, checked by thread-safety annotations instead.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // A descriptor per socket: the soft limit (often 1,024) would cap the
  // whole machine's apps below what the per-app caps allow; the hard limit
  // is the admin's.
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 &&
      files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  network_service::NetworkService::Options options;
  options.control_fd = absl::GetFlag(FLAGS_control_fd);
  options.socket_path = absl::GetFlag(FLAGS_socket_path);
  options.policy_dir = absl::GetFlag(FLAGS_policy_dir);
  options.audit_log = absl::GetFlag(FLAGS_audit_log);
  options.unsafe_development_mode =
      absl::GetFlag(FLAGS_unsafe_development_mode);
  absl::StatusOr<std::unique_ptr<network_service::NetworkService>> service =
      network_service::NetworkService::Start(options);
  if (!service.ok()) {
    std::fprintf(stderr, "network_service: %s\n",
                 std::string(service.status().message()).c_str());
    return service.status().code() == absl::StatusCode::kUnavailable ? 1 : 2;
  }
  (*service)->Run();
  LOG(INFO) << "shut down";
  return 0;
}
