// host: the browser process of this system. It starts the network service,
// then one renderer process per app of its manifest, each with a service
// channel bound to the app's origin, and supervises them.
//
// Usage: host_main --manifest=apps.json [--network-service=PATH]
//                  [--policy-dir=DIR | --unsafe-development-mode]
//                  [--audit-log=FILE] [--admin-socket=PATH] [--v=N]
//                  (--help lists them)
// Exits when every renderer has exited: 0 if all exited 0, else 1; 2 on a
// usage or manifest error. SIGTERM/SIGINT stop the renderers and the
// service. See docs/host.md.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "common/event_loop.h"
#include "common/logging.h"
#include "host/app_manifest.h"
#include "host/host.h"

namespace {

std::string DefaultServicePath(const char* argv0) {
  std::string self = argv0;
  const size_t slash = self.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : self.substr(0, slash);
  return dir + "/../network_service/network_service";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "host_main: the browser process of this system. It starts the network "
      "service, then one renderer per app of its manifest, each with a "
      "service channel bound to the app's origin, and supervises them; it "
      "exits when every renderer has (0 if all exited 0, else 1; 2 on a "
      "usage or manifest error). docs/host.md.",
      "host_main");
  std::string manifest_path, network_service, policy_dir, audit_log,
      admin_socket;
  bool unsafe_development_mode = false, audit_allows = false;
  int verbosity = 0;
  app.add_option("--manifest", manifest_path,
                 "The apps to run (JSON; docs/host.md).")
      ->required();
  CLI::Option* policy = app.add_option(
      "--policy-dir", policy_dir,
      "The managed policy directory the network service enforces "
      "(docs/policy.md); without it an unmanaged device (no app may use "
      "multicast).");
  app.add_flag("--unsafe-development-mode", unsafe_development_mode,
               "The network service enforces no policy: every app may use "
               "multicast. For development only.")
      ->excludes(policy);
  app.add_option("--audit-log", audit_log,
                 "File for the service's policy decisions, one JSON object a "
                 "line (default: its stderr).");
  app.add_flag("--audit-allows", audit_allows,
               "The service audits what the policy allows at open and join "
               "too.");
  app.add_option("--admin-socket", admin_socket,
                 "The service's read-only admin socket, for `dsock status` "
                 "and `dsock admin serve` (docs/admin.md); only root and "
                 "this user may connect.");
  app.add_option("--v", verbosity,
                 "Log verbosity of the host and its network service: 1 logs "
                 "each socket opened and closed and each join and leave.");
  app.add_option("--network-service", network_service,
                 "The network_service program (default: "
                 "../network_service/network_service next to this program, "
                 "as Bazel lays them out).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }
  common::InitLogging("host", verbosity);
  absl::StatusOr<host::AppManifest> manifest =
      host::LoadAppManifest(manifest_path);
  if (!manifest.ok()) {
    std::fprintf(stderr, "host: %s\n",
                 std::string(manifest.status().message()).c_str());
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  common::EventLoop loop;
  host::Host::Options options;
  options.network_service_path = network_service;
  if (options.network_service_path.empty())
    options.network_service_path = DefaultServicePath(argv[0]);
  options.policy_dir = policy_dir;
  options.unsafe_development_mode = unsafe_development_mode;
  options.audit_log = audit_log;
  options.audit_allows = audit_allows;
  options.admin_socket = admin_socket;
  options.verbosity = verbosity;
  host::Host host(&loop, options);

  bool service_died = false;
  absl::Status started =
      host.StartNetworkService([&](pid_t pid, host::Host::Exit exit) {
        std::fprintf(stderr,
                     "host: network service %d ended (status %lld, "
                     "signal %d)\n",
                     static_cast<int>(pid), static_cast<long long>(exit.status),
                     exit.signal);
        service_died = true;
      });
  if (!started.ok()) {
    std::fprintf(stderr, "host: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("host: pid %d, network service pid %d\n",
              static_cast<int>(getpid()),
              static_cast<int>(host.network_service_pid()));
  size_t renderers = 0;
  bool all_ok = true;
  for (const host::AppManifest::App& app : manifest->apps) {
    absl::StatusOr<pid_t> pid = host.StartRenderer(
        app, [&, origin = app.origin](pid_t pid, host::Host::Exit exit) {
          std::printf("host: renderer %d of %s exited (status %lld%s)\n",
                      static_cast<int>(pid), origin.c_str(),
                      static_cast<long long>(exit.status),
                      exit.signal ? ", killed by a signal" : "");
          std::fflush(stdout);
          if (exit.status != 0 || exit.signal != 0)
            all_ok = false;
          --renderers;
        });
    if (!pid.ok()) {
      std::fprintf(stderr, "host: %s\n",
                   std::string(pid.status().message()).c_str());
      all_ok = false;
      continue;
    }
    ++renderers;
    std::printf("host: renderer %d for %s\n", static_cast<int>(*pid),
                app.origin.c_str());
  }
  std::fflush(stdout);

  host.StopOnTerminationSignals();

  loop.RunUntil([&] { return renderers == 0; }, absl::InfiniteDuration());
  // The apps are done: stop the service and wait for it (bounded).
  host.SignalAll(SIGTERM);
  loop.RunUntil([&] { return host.running() == 0; }, absl::Seconds(5));
  return all_ok ? 0 : 1;
}
