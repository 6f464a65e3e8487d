#ifndef HOST_HOST_H_
#define HOST_HOST_H_

#include <sys/types.h>
#include <uv.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/event_loop.h"
#include "host/app_manifest.h"

namespace host {

// The browser-process side of this system, as a library a browser-like
// program can embed: it starts the network service (privileged) and one
// renderer process per isolated app, and is the only party that says which
// app a renderer speaks for. Each renderer inherits one end of a fresh
// socketpair as its service channel (fd 3, named by $DSOCK_SERVICE_FD); the
// other end goes to the service over the host-only control socket together
// with the app's origin (SCM_RIGHTS), so the service knows the channel's app
// before the renderer speaks. A renderer has no way to claim another.
//
// Each renderer also inherits a host channel (fd 4, $DSOCK_HOST_FD). If the
// network service dies, the host restarts it (as Chrome restarts its network
// service) and hands every renderer a fresh service channel over its host
// channel, bound to the same origin; sockets of the old service have failed
// with NetworkError, new ones work. When the host goes away, the host
// channels reach EOF and the renderers exit; the control socket reaches EOF
// and the service exits: nothing lives on as an orphan.
//
// Lives on `loop`'s thread, which must run for processes to be supervised.
// See docs/host.md.
class Host {
 public:
  struct Options {
    // The network_service binary.
    std::string network_service_path;
    // How many times a dead service is restarted before the host gives up.
    int max_service_restarts = 5;
    // The managed policy directory the service enforces (docs/policy.md);
    // empty: an unmanaged device (no multicast for any app).
    std::string policy_dir;
    // The service enforces no policy at all (every app may use multicast):
    // for development only, never with `policy_dir`.
    bool unsafe_development_mode = false;
    // Where the service appends its policy refusals (JSON lines); empty:
    // its stderr.
    std::string audit_log;
    // Also audit allows (the service's --audit-allows).
    bool audit_allows = false;
    // The service's read-only admin socket (its --admin-socket); empty:
    // none.
    std::string admin_socket;
    // The service's log verbosity (its --v).
    int verbosity = 0;
  };
  // How a supervised process ended: exit status, or the signal that ended it.
  struct Exit {
    int64_t status = 0;
    int signal = 0;
  };
  using ExitHandler = absl::AnyInvocable<void(pid_t pid, Exit exit)>;

  Host(common::EventLoop* loop, Options options);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  ~Host();

  // Starts the network service with a control socket. `on_exit` runs each
  // time it ends (the host restarts it unless SignalAll() was called or the
  // restarts ran out). `stdout_fd` (if >= 0) becomes its stdout, where it says
  // "network_service: serving host channels" once ready; its stderr is the
  // host's.
  absl::Status StartNetworkService(ExitHandler on_exit = nullptr,
                                   int stdout_fd = -1);
  pid_t network_service_pid() const { return service_pid_; }

  // Starts `app`'s renderer with a channel bound to `app.origin`.
  // `stdout_fd` (if >= 0) becomes its stdout; `on_exit` runs when it ends.
  absl::StatusOr<pid_t> StartRenderer(const AppManifest::App& app,
                                      ExitHandler on_exit,
                                      int stdout_fd = -1);

  // A channel bound to `origin` for a renderer that lives in the embedder's
  // own process (tests, or a single-process debug mode): the caller owns
  // the returned descriptor and builds its connection on it
  // (NetworkServiceConnection::FromInheritedFd). It is not re-issued after
  // a service restart.
  absl::StatusOr<int> NewInProcessRendererChannel(
      const std::string& origin,
      const std::vector<std::string>& permissions =
          AppManifest::AllPermissions());
  // The same with the renderer's end of a datagram pipe beside the channel
  // (common/datagram_frame.h; NetworkServiceConnection::FromInheritedFds):
  // the caller owns both descriptors.
  struct RendererEnds {
    int channel = -1;
    int datagram_pipe = -1;
  };
  absl::StatusOr<RendererEnds> NewInProcessRendererEnds(
      const std::string& origin,
      const std::vector<std::string>& permissions =
          AppManifest::AllPermissions());

  // Sends `signal` to the service and every renderer still running, and
  // stops restarting the service.
  void SignalAll(int signal);
  // SIGTERM and SIGINT to this process do SignalAll(SIGTERM) from now on
  // (until the host is destroyed), without keeping the loop alive.
  void StopOnTerminationSignals();
  int service_restarts() const { return service_restarts_; }
  // Processes still running (service included).
  size_t running() const { return processes_.size(); }

 private:
  struct Process;
  struct Renderer {
    std::string origin;
    std::vector<std::string> permissions;
    int host_channel = -1;  // The host's end of the renderer's host channel.
  };
  // `inherited` become the child's fds 3, 4, ...
  absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& command,
                              const std::vector<std::string>& extra_env,
                              const std::vector<int>& inherited,
                              int stdout_fd,
                              ExitHandler on_exit);
  absl::Status SpawnNetworkService();
  void OnServiceExit(pid_t pid, Exit exit);
  // A fresh channel and datagram pipe bound to `origin`: the service gets
  // one end of each; returns the others (both -1 on failure).
  RendererEnds NewServiceChannel(const std::string& origin,
                                 const std::vector<std::string>& permissions);
  static void OnExit(uv_process_t* process, int64_t status, int signal);

  common::EventLoop* const loop_;
  const Options options_;
  int control_fd_ = -1;  // The host's end of the control socket.
  pid_t service_pid_ = -1;
  ExitHandler on_service_exit_;
  int service_stdout_ = -1;
  int service_restarts_ = 0;
  bool stopping_ = false;
  std::map<pid_t, Renderer> renderers_;
  std::map<pid_t, std::unique_ptr<Process>> processes_;
  // SIGTERM and SIGINT watchers; freed by their close callbacks.
  std::vector<uv_signal_t*> termination_signals_;
};

}  // namespace host

#endif  // HOST_HOST_H_
