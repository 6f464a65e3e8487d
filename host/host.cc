#include "host/host.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/fd_passing.h"
#include "common/host_contract.h"
#include "common/logging.h"

extern char** environ;

namespace host {

// One supervised child. The uv handle must stay put until closed.
struct Host::Process {
  uv_process_t handle;
  Host* host;
  ExitHandler on_exit;
};

Host::Host(common::EventLoop* loop, Options options)
    : loop_(loop), options_(std::move(options)) {}

Host::~Host() {
  // EOF on the control socket tells the service its host is gone; EOF on
  // each host channel tells its renderer.
  stopping_ = true;
  if (control_fd_ >= 0)
    close(control_fd_);
  for (auto& [pid, renderer] : renderers_)
    close(renderer.host_channel);
  for (auto& [pid, process] : processes_) {
    process->on_exit = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&process->handle),
             [](uv_handle_t* handle) {
               delete static_cast<Process*>(handle->data);
             });
    process.release();  // Freed by the close callback.
  }
  for (uv_signal_t* watcher : termination_signals_) {
    uv_close(reinterpret_cast<uv_handle_t*>(watcher), [](uv_handle_t* handle) {
      delete reinterpret_cast<uv_signal_t*>(handle);
    });
  }
  uv_run(loop_->uv_loop(), UV_RUN_NOWAIT);
}

void Host::StopOnTerminationSignals() {
  for (int signal_number : {SIGTERM, SIGINT}) {
    auto* watcher = new uv_signal_t;
    uv_signal_init(loop_->uv_loop(), watcher);
    watcher->data = this;
    uv_signal_start(
        watcher,
        [](uv_signal_t* handle, int) {
          static_cast<Host*>(handle->data)->SignalAll(SIGTERM);
        },
        signal_number);
    uv_unref(reinterpret_cast<uv_handle_t*>(watcher));
    termination_signals_.push_back(watcher);
  }
}

absl::StatusOr<pid_t> Host::Spawn(const std::vector<std::string>& command,
                                  const std::vector<std::string>& extra_env,
                                  const std::vector<int>& inherited,
                                  int stdout_fd,
                                  ExitHandler on_exit) {
  std::vector<char*> args;
  for (const std::string& arg : command)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // The host's environment, less anything that names a channel, plus ours.
  std::vector<std::string> env_strings;
  const std::vector<std::string> ours = common::RendererEnvNames();
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const bool names_a_channel =
        std::any_of(ours.begin(), ours.end(), [&](const std::string& name) {
          return absl::StartsWith(*entry, name + "=");
        });
    if (!names_a_channel)
      env_strings.push_back(*entry);
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> env;
  for (std::string& entry : env_strings)
    env.push_back(entry.data());
  env.push_back(nullptr);

  std::vector<uv_stdio_container_t> stdio(3 + inherited.size());
  const int standard[] = {0, stdout_fd >= 0 ? stdout_fd : 1, 2};
  for (size_t i = 0; i < stdio.size(); ++i) {
    stdio[i].flags = UV_INHERIT_FD;
    stdio[i].data.fd = i < 3 ? standard[i] : inherited[i - 3];
  }

  auto process = std::make_unique<Process>();
  process->host = this;
  process->on_exit = std::move(on_exit);
  process->handle.data = process.get();
  uv_process_options_t options;
  std::memset(&options, 0, sizeof(options));
  options.file = args[0];
  options.args = args.data();
  options.env = env.data();
  options.exit_cb = &Host::OnExit;
  options.stdio_count = static_cast<int>(stdio.size());
  options.stdio = stdio.data();
  const int error = uv_spawn(loop_->uv_loop(), &process->handle, &options);
  if (error != 0) {
    // libuv wants the handle closed even when spawning failed.
    Process* failed = process.release();
    uv_close(reinterpret_cast<uv_handle_t*>(&failed->handle),
             [](uv_handle_t* handle) {
               delete static_cast<Process*>(handle->data);
             });
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start ", command[0], ": ", uv_strerror(error)));
  }
  const pid_t pid = process->handle.pid;
  processes_.emplace(pid, std::move(process));
  return pid;
}

void Host::OnExit(uv_process_t* handle, int64_t status, int signal) {
  auto* process = static_cast<Process*>(handle->data);
  Host* host = process->host;
  const pid_t pid = handle->pid;
  auto it = host->processes_.find(pid);
  ExitHandler on_exit = std::move(process->on_exit);
  if (it != host->processes_.end())
    it->second.release();
  host->processes_.erase(pid);
  uv_close(reinterpret_cast<uv_handle_t*>(handle),
           [](uv_handle_t* h) { delete static_cast<Process*>(h->data); });
  if (pid == host->service_pid_)
    host->service_pid_ = -1;
  auto renderer = host->renderers_.find(pid);
  if (renderer != host->renderers_.end()) {
    close(renderer->second.host_channel);
    host->renderers_.erase(renderer);
  }
  if (on_exit)
    on_exit(pid, Exit{status, signal});
}

absl::Status Host::StartNetworkService(ExitHandler on_exit, int stdout_fd) {
  on_service_exit_ = std::move(on_exit);
  service_stdout_ = stdout_fd;
  return SpawnNetworkService();
}

absl::Status Host::SpawnNetworkService() {
  int control[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) != 0) {
    return absl::InternalError(
        absl::StrCat("socketpair: ", std::strerror(errno)));
  }
  std::vector<std::string> command = {options_.network_service_path,
                                      "--control-fd=3"};
  if (!options_.policy_dir.empty())
    command.push_back("--policy-dir=" + options_.policy_dir);
  if (options_.unsafe_development_mode)
    command.push_back("--unsafe-development-mode");
  if (!options_.audit_log.empty())
    command.push_back("--audit-log=" + options_.audit_log);
  if (options_.audit_allows)
    command.push_back("--audit-allows");
  if (!options_.admin_socket.empty())
    command.push_back("--admin-socket=" + options_.admin_socket);
  if (options_.verbosity > 0)
    command.push_back("--v=" + std::to_string(options_.verbosity));
  absl::StatusOr<pid_t> pid =
      Spawn(command, {}, {control[1]}, service_stdout_,
            [this](pid_t pid, Exit exit) { OnServiceExit(pid, exit); });
  close(control[1]);
  if (!pid.ok()) {
    close(control[0]);
    return pid.status();
  }
  if (control_fd_ >= 0)
    close(control_fd_);
  control_fd_ = control[0];
  service_pid_ = *pid;
  return absl::OkStatus();
}

void Host::OnServiceExit(pid_t pid, Exit exit) {
  if (on_service_exit_)
    on_service_exit_(pid, exit);
  if (stopping_ || service_restarts_ >= options_.max_service_restarts)
    return;
  ++service_restarts_;
  absl::Status restarted = SpawnNetworkService();
  if (!restarted.ok()) {
    LOG(ERROR) << "cannot restart the network service: " << restarted;
    return;
  }
  LOG(WARNING) << "restarted the network service (pid " << service_pid_ << ")";
  // Every renderer gets a fresh channel, bound to its own app again.
  for (auto& [renderer_pid, renderer] : renderers_) {
    const RendererEnds ends =
        NewServiceChannel(renderer.origin, renderer.permissions);
    if (ends.channel < 0)
      continue;
    absl::Status sent = common::SendFdMessage(renderer.host_channel,
                                              common::kNewServiceChannelTag,
                                              ends.channel, ends.datagram_pipe);
    close(ends.channel);
    close(ends.datagram_pipe);
    if (!sent.ok()) {
      LOG(ERROR) << "renderer " << renderer_pid
                 << " did not get its channel: " << sent;
    }
  }
}

Host::RendererEnds Host::NewServiceChannel(
    const std::string& origin,
    const std::vector<std::string>& permissions) {
  int channel[2];
  if (control_fd_ < 0 ||
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
    return {};
  }
  // The datagram pipe: message boundaries kept, so one frame is one read.
  int pipe[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pipe) != 0) {
    close(channel[0]);
    close(channel[1]);
    return {};
  }
  // The service learns the channel's app before the renderer can speak:
  // who the channel speaks for, and what its manifest grants.
  absl::Status sent = common::SendFdMessage(
      control_fd_,
      common::EncodeGrant({origin, {permissions.begin(), permissions.end()}}),
      channel[0], pipe[0]);
  close(channel[0]);
  close(pipe[0]);
  if (!sent.ok()) {
    close(channel[1]);
    close(pipe[1]);
    return {};
  }
  return {channel[1], pipe[1]};
}

absl::StatusOr<pid_t> Host::StartRenderer(const AppManifest::App& app,
                                          ExitHandler on_exit,
                                          int stdout_fd) {
  if (control_fd_ < 0)
    return absl::FailedPreconditionError("start the network service first");
  const RendererEnds ends = NewServiceChannel(app.origin, app.permissions);
  if (ends.channel < 0) {
    return absl::UnavailableError(
        "cannot hand a channel to the network service");
  }
  int host_channel[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, host_channel) !=
      0) {
    close(ends.channel);
    close(ends.datagram_pipe);
    return absl::InternalError(
        absl::StrCat("socketpair: ", std::strerror(errno)));
  }
  absl::StatusOr<pid_t> pid = Spawn(
      app.command,
      {absl::StrCat(common::kServiceFdEnv, "=", common::kRendererServiceFd),
       absl::StrCat(common::kHostFdEnv, "=", common::kRendererHostFd),
       absl::StrCat(common::kDatagramPipeFdEnv, "=",
                    common::kRendererDatagramPipeFd),
       absl::StrCat(common::kAppOriginEnv, "=", app.origin),
       absl::StrCat(common::kAppPermissionsEnv, "=",
                    common::FeatureList(
                        {app.permissions.begin(), app.permissions.end()}))},
      {ends.channel, host_channel[1], ends.datagram_pipe}, stdout_fd,
      std::move(on_exit));
  close(ends.channel);
  close(ends.datagram_pipe);
  close(host_channel[1]);
  if (!pid.ok()) {
    close(host_channel[0]);
    return pid.status();
  }
  renderers_[*pid] = Renderer{app.origin, app.permissions, host_channel[0]};
  return pid;
}

absl::StatusOr<int> Host::NewInProcessRendererChannel(
    const std::string& origin,
    const std::vector<std::string>& permissions) {
  absl::StatusOr<RendererEnds> ends =
      NewInProcessRendererEnds(origin, permissions);
  if (!ends.ok())
    return ends.status();
  // Without its reader the pipe is closed: the service sends over gRPC.
  close(ends->datagram_pipe);
  return ends->channel;
}

absl::StatusOr<Host::RendererEnds> Host::NewInProcessRendererEnds(
    const std::string& origin,
    const std::vector<std::string>& permissions) {
  const RendererEnds ends = NewServiceChannel(origin, permissions);
  if (ends.channel < 0) {
    return absl::UnavailableError(
        "cannot hand a channel to the network service");
  }
  return ends;
}

void Host::SignalAll(int signal) {
  stopping_ = true;
  for (auto& [pid, process] : processes_)
    uv_process_kill(&process->handle, signal);
}

}  // namespace host
