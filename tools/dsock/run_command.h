#ifndef TOOLS_DSOCK_RUN_COMMAND_H_
#define TOOLS_DSOCK_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace dsock {

// `dsock run`: one JavaScript app under a host of its own, as a manifest
// entry of host_main would run it: the network service (enforcing
// `policy_dir`), and a sandboxed js_renderer with a channel bound to
// `origin` and the app's `permissions`. The app's console is this
// program's stdout/stderr.
struct RunOptions {
  std::string app_path;
  std::string origin;
  std::vector<std::string> permissions;
  std::string policy_dir;  // Empty: an unmanaged device (no multicast).
  bool unsafe_development_mode = false;  // No policy enforced at all.
  std::string network_service_path;
  std::string renderer_path;
  std::string admin_socket;  // The service's --admin-socket; empty: none.
};

// Runs the app to its end. Returns 0 when it finished, 1 when it threw or
// rejected (the renderer printed the error's name and message) or could
// not start, 2 when `options` are unusable (the reason is on stderr).
// Main thread; it makes its own loop.
int RunApp(const RunOptions& options);

// The comma-separated permissions of --permissions, checked: each must be
// a Direct Sockets permissions-policy feature. Empty on error (`error` says
// why).
std::vector<std::string> ParsePermissions(const std::string& list,
                                          std::string* error);

}  // namespace dsock

#endif  // TOOLS_DSOCK_RUN_COMMAND_H_
