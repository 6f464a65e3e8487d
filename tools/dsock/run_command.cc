#include "tools/dsock/run_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/app_origin.h"
#include "common/event_loop.h"
#include "common/local_network_access.h"
#include "host/app_manifest.h"
#include "host/host.h"
#include "uv.h"

namespace dsock {
namespace {

constexpr int kFinished = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

int Unusable(const std::string& why) {
  std::fprintf(stderr, "dsock run: %s\n", why.c_str());
  return kUsage;
}

bool IsExecutable(const std::string& path) {
  return access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<std::string> ParsePermissions(const std::string& list,
                                          std::string* error) {
  std::vector<std::string> permissions;
  const std::vector<std::string> known = common::KnownFeatures();
  for (absl::string_view item : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    std::string feature(item);
    if (std::find(known.begin(), known.end(), feature) == known.end()) {
      *error = "--permissions: \"" + feature +
               "\" is not one of direct-sockets, direct-sockets-multicast, "
               "local-network, loopback-network, direct-sockets-private";
      return {};
    }
    if (std::find(permissions.begin(), permissions.end(), feature) ==
        permissions.end()) {
      permissions.push_back(feature);
    }
  }
  return permissions;
}

int RunApp(const RunOptions& options) {
  if (access(options.app_path.c_str(), R_OK) != 0)
    return Unusable("cannot read the app " + options.app_path);
  absl::Status origin = common::CheckIsolatedAppOrigin(options.origin);
  if (!origin.ok())
    return Unusable("--origin: " + std::string(origin.message()));
  if (!options.policy_dir.empty() &&
      access(options.policy_dir.c_str(), R_OK | X_OK) != 0) {
    return Unusable("cannot read the policy directory " + options.policy_dir);
  }
  for (const std::string* program :
       {&options.network_service_path, &options.renderer_path}) {
    if (!IsExecutable(*program)) {
      return Unusable(*program + " is not there; build it (bazel build //...)");
    }
  }
  signal(SIGPIPE, SIG_IGN);
  common::EventLoop loop;
  host::Host::Options host_options;
  host_options.network_service_path = options.network_service_path;
  host_options.policy_dir = options.policy_dir;
  host_options.unsafe_development_mode = options.unsafe_development_mode;
  host_options.admin_socket = options.admin_socket;
  host::Host host(&loop, host_options);
  // The service's "ready" line is not the app's output.
  const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  absl::Status started = host.StartNetworkService(nullptr, null_fd);
  if (null_fd >= 0)
    close(null_fd);
  if (!started.ok()) {
    std::fprintf(stderr, "dsock run: %s\n",
                 std::string(started.message()).c_str());
    return kFailed;
  }
  host::AppManifest::App app;
  app.origin = options.origin;
  app.command = {options.renderer_path, options.app_path};
  app.permissions = options.permissions;
  std::fflush(stdout);
  bool ended = false;
  int result = kFailed;
  absl::StatusOr<pid_t> renderer =
      host.StartRenderer(app, [&](pid_t, host::Host::Exit exit) {
        ended = true;
        if (exit.signal != 0) {
          std::fprintf(stderr,
                       "dsock run: the renderer was killed by signal %d\n",
                       exit.signal);
        } else if (exit.status == kUsage) {
          result = kUsage;
        } else {
          result = exit.status == 0 ? kFinished : kFailed;
        }
      });
  if (!renderer.ok()) {
    std::fprintf(stderr, "dsock run: %s\n",
                 std::string(renderer.status().message()).c_str());
    ended = true;
  } else {
    // Who is who, for people and tests that watch the processes.
    std::fprintf(stderr,
                 "dsock run: host pid %d, network service pid %d, renderer "
                 "pid %d for %s\n",
                 static_cast<int>(getpid()),
                 static_cast<int>(host.network_service_pid()),
                 static_cast<int>(*renderer), options.origin.c_str());
  }

  host.StopOnTerminationSignals();

  loop.RunUntil([&] { return ended; }, absl::InfiniteDuration());
  host.SignalAll(SIGTERM);
  loop.RunUntil([&] { return host.running() == 0; }, absl::Seconds(5));
  return result;
}

}  // namespace dsock
