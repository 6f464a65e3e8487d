// The renderer process of a JavaScript isolated web app: it enters the
// renderer sandbox when a host started it, connects to the network service
// (the channel the host gave it, else --service-socket or the default
// socket), and runs APP.mjs as an ES module with the web globals and
// UDPSocket. Its console goes to stdout/stderr.
//
// Usage: js_renderer [--service-socket PATH] APP.mjs
// Exit: 0 the app finished, 1 it threw or rejected, 2 usage error.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/event_loop.h"
#include "renderer/js/js_runtime.h"
#include "renderer/network_service_connection.h"
#include "renderer/sandbox.h"

namespace {

constexpr char kUsage[] =
    "usage: js_renderer [--service-socket PATH] APP.mjs\n"
    "Runs a JavaScript isolated app (an ES module) in this sandboxed renderer "
    "process. A host starts it with the app's channel to the network "
    "service ($DSOCK_SERVICE_FD); run standalone, it connects to "
    "--service-socket PATH, else $DSOCK_NETWORK_SERVICE_SOCKET, else "
    "/run/dsock/network.sock. `dsock run APP.mjs` starts one with a host of "
    "its own (docs/js-api.md).\n"
    "  -h,--help              Print this help message and exit\n"
    "  --service-socket PATH  A listening network service's Unix socket\n";

int Usage(const std::string& why) {
  std::fprintf(stderr, "js_renderer: %s\n%s", why.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path;
  std::string app_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 ||
        std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--service-socket") == 0 && i + 1 < argc) {
      socket_path = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return Usage(std::string("unknown flag ") + argv[i] + " (see --help)");
    } else if (app_path.empty()) {
      app_path = argv[i];
    } else {
      return Usage("give one app");
    }
  }
  if (app_path.empty())
    return Usage("no app given");
  std::ifstream file(app_path);
  if (!file)
    return Usage("cannot read " + app_path);
  std::stringstream source;
  source << file.rdbuf();
  // Debian's abseil checks every Mutex for lock-order cycles (a graph
  // lookup per lock, seen in profiles of the datagram path).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Before any thread starts: the sandbox's network namespace is per thread
  // and inherited only by threads made later.
  // The app's own modules stay importable; nothing else of the disk is.
  char* resolved = realpath(app_path.c_str(), nullptr);
  std::string app_dir = resolved ? resolved : app_path;
  std::free(resolved);
  app_dir = app_dir.substr(0, app_dir.rfind('/'));
  absl::Status sandboxed = renderer::EnterSandboxIfHosted({app_dir});
  if (!sandboxed.ok()) {
    std::fprintf(stderr, "js_renderer: %s\n",
                 std::string(sandboxed.message()).c_str());
    return 1;
  }
  common::EventLoop loop;
  std::unique_ptr<renderer::NetworkServiceConnection> connection =
      renderer::NetworkServiceConnection::Connect(&loop, socket_path);
  absl::StatusOr<std::unique_ptr<renderer::JsRuntime>> runtime =
      renderer::JsRuntime::Create();
  if (!runtime.ok()) {
    std::fprintf(stderr, "js_renderer: %s\n",
                 std::string(runtime.status().message()).c_str());
    return 1;
  }
  const int exit_code =
      (*runtime)->RunModule(&loop, connection.get(), app_path, source.str());
  std::fflush(stdout);
  connection.reset();
  return exit_code;
}
