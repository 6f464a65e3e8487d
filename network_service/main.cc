// The network service process: owns every real UDP socket of the renderers
// that connect to it. See docs/architecture.md.
//
// Usage:
//   network_service --control-fd=N    started by a host (host/): renderer
//       channels arrive on the inherited control socket N, each bound to its
//       app's origin; there is no listening socket. EOF on N (the host
//       exited) shuts the service down.
//   network_service --socket-path=/run/dsock/network.sock   standalone: a
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

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "common/logging.h"
#include "network_service/network_service.h"

int main(int argc, char** argv) {
  CLI::App app(
      "network_service: the Direct Sockets network service, the privileged "
      "process that owns the machine's sockets and enforces the admin's "
      "policy. A host starts it (--control-fd); run standalone for "
      "development, it listens on --socket-path. docs/architecture.md.",
      "network_service");
  network_service::NetworkService::Options options;
  int verbosity = 0;
  app.add_option("--control-fd", options.control_fd,
                 "Inherited control socket from the host (SOCK_SEQPACKET): "
                 "renderer channels and their origins arrive on it.");
  app.add_option("--socket-path", options.socket_path,
                 "Unix socket to listen on. Its directory is created "
                 "owner-only (0700) if missing and must not be open to "
                 "others; the socket is 0600.");
  CLI::Option* policy = app.add_option(
      "--policy-dir", options.policy_dir,
      "The managed policy directory (docs/policy.md). Without it the device "
      "is unmanaged: no app may use multicast, plain sockets follow "
      "Chrome's defaults.");
  app.add_flag("--unsafe-development-mode", options.unsafe_development_mode,
               "Enforce no policy at all: every app may use multicast. For "
               "development only; never on a device someone manages.")
      ->excludes(policy);
  app.add_option("--audit-log", options.audit_log,
                 "Where policy decisions go, one JSON object a line "
                 "(default: stderr).");
  app.add_option("--admin-socket", options.admin_socket,
                 "A read-only admin socket (`dsock status`, `dsock admin "
                 "serve`): what every app holds and does, what was refused. "
                 "Its directory is created owner-only (0700) if missing; "
                 "only root and this user may connect.");
  app.add_flag("--audit-allows", options.audit_allows,
               "Audit what the policy allows at open and join too, not only "
               "refusals and revocations.");
  app.add_option("--v", verbosity,
                 "Log verbosity: 1 logs each socket opened and closed and "
                 "each join and leave.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }
  common::InitLogging("network_service", verbosity);
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
