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
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/event_loop.h"
#include "common/socket_limits.h"
#include "network_service/app_registry.h"
#include "network_service/control_channel.h"
#include "network_service/http2_guard.h"
#include "network_service/network_service_impl.h"
#include "network_service/policy_enforcer.h"
#include "network_service/policy_watcher.h"
#include "policy/policy_loader.h"

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
ABSL_FLAG(std::string,
          socket_path,
          "",
          "Unix socket to listen on. Its directory is created owner-only "
          "(0700) if missing and must not be open to others; the socket is "
          "0600.");

namespace {

// Makes `dir` exist and be private to this user; an error says what is
// wrong and how to fix it.
absl::Status PreparePrivateDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is not a directory"));
  }
  if (info.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " belongs to uid ", info.st_uid, ", not to this user"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is open to other users (mode ",
                     absl::StrFormat("%o", info.st_mode & 0777),
                     "); run chmod 700 on it or pick another directory"));
  }
  return absl::OkStatus();
}

absl::Status PrepareSocketPath(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError("--socket_path must be an absolute path");
  }
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--socket_path is ", path.size(),
                     " bytes long; Unix socket paths must be under 108"));
  }
  absl::Status dir = PreparePrivateDirectory(path.substr(0, path.rfind('/')));
  if (!dir.ok())
    return dir;
  struct stat info;
  if (lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " exists and is not a socket"));
    }
    unlink(path.c_str());  // Left by a service that did not shut down.
  }
  return absl::OkStatus();
}

// What one renderer's connection may make the service hold
// (docs/security.md). Every renderer has one connection: the channel its
// host handed over.
void ApplyRendererLimits(grpc::ServerBuilder* builder) {
  // Identity only: a compressed message would be inflated before the size
  // limit applies (gRPC 1.51), so a call that names gzip or deflate is
  // refused before its first message.
  builder->SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  builder->SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  builder->SetMaxReceiveMessageSize(static_cast<int>(common::kMaxRequestBytes));
  // One stream per socket: the app's socket cap, and room for streams
  // that are closing.
  builder->AddChannelArgument(
      GRPC_ARG_MAX_CONCURRENT_STREAMS,
      static_cast<int>(network_service::AppRegistry::kMaxStreamsPerApp));
  builder->AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 8 * 1024);
  // Flow-control windows stay at 64 KiB a stream: bandwidth-delay probing
  // would let a renderer that sends and never lets a request finish park
  // megabytes in each stream's buffers.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 * 1024);
  // PING floods: a renderer sends no pings of its own; two strikes end the
  // connection.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder->AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5 * 60 * 1000);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Direct Sockets network service.\n"
      "Usage: network_service --socket_path=/absolute/dir/network.sock");
  absl::ParseCommandLine(argc, argv);
  const std::string socket_path = absl::GetFlag(FLAGS_socket_path);
  const int control_fd = absl::GetFlag(FLAGS_control_fd);
  if (socket_path.empty() && control_fd < 0) {
    std::fprintf(stderr,
                 "network_service: give --control_fd (started by a host) or "
                 "--socket_path (standalone)\n");
    return 2;
  }
  if (!socket_path.empty()) {
    absl::Status prepared = PrepareSocketPath(socket_path);
    if (!prepared.ok()) {
      std::fprintf(stderr, "network_service: %s\n",
                   std::string(prepared.message()).c_str());
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);

  common::EventLoop loop;
  network_service::AppRegistry apps;
  FILE* audit_log = stderr;
  if (!absl::GetFlag(FLAGS_audit_log).empty()) {
    audit_log = std::fopen(absl::GetFlag(FLAGS_audit_log).c_str(), "a");
    if (audit_log == nullptr) {
      std::fprintf(stderr, "network_service: cannot open --audit_log %s\n",
                   absl::GetFlag(FLAGS_audit_log).c_str());
      return 2;
    }
  }
  network_service::PolicyEnforcer enforcer;
  const std::string policy_dir = absl::GetFlag(FLAGS_policy_dir);
  const bool unsafe_development_mode =
      absl::GetFlag(FLAGS_unsafe_development_mode);
  if (unsafe_development_mode && !policy_dir.empty()) {
    std::fprintf(stderr,
                 "network_service: --unsafe_development_mode and --policy_dir "
                 "cannot be combined: give one\n");
    return 2;
  }
  if (unsafe_development_mode) {
    std::fprintf(stderr,
                 "network_service: --unsafe_development_mode: NO POLICY IS "
                 "ENFORCED; every app may use multicast. For development "
                 "only.\n");
  } else if (policy_dir.empty()) {
    // Secure by default: an unmanaged device, as Chrome without policies.
    std::fprintf(stderr,
                 "network_service: no --policy_dir: an unmanaged device (no "
                 "app may use multicast; Chrome's defaults for the rest)\n");
    enforcer = network_service::PolicyEnforcer(policy::Policy(), audit_log);
  } else {
    std::vector<std::string> errors;
    policy::Policy loaded = policy::LoadPolicyDirectory(policy_dir, &errors);
    for (const std::string& error : errors) {
      std::fprintf(stderr, "network_service: policy: %s/%s\n",
                   policy_dir.c_str(), error.c_str());
    }
    // With errors and no earlier good policy: an unmanaged device (no
    // multicast for anyone), never a half-read policy.
    enforcer = network_service::PolicyEnforcer(
        errors.empty() ? std::move(loaded) : policy::Policy(), audit_log);
  }
  network_service::NetworkServiceImpl service(&loop, &apps, &enforcer);
  std::unique_ptr<network_service::PolicyWatcher> watcher;
  if (!policy_dir.empty()) {
    watcher = std::make_unique<network_service::PolicyWatcher>(
        loop.uv_loop(), policy_dir, &enforcer,
        [&service] { service.RecheckPolicy(); });
    absl::Status watching = watcher->Start();
    if (!watching.ok()) {
      std::fprintf(stderr, "network_service: %s\n",
                   std::string(watching.message()).c_str());
    }
  }

  // gRPC creates the socket file; the umask makes it 0600 from the start.
  const mode_t old_umask = umask(0177);
  grpc::ServerBuilder builder;
  ApplyRendererLimits(&builder);
  if (!socket_path.empty()) {
    builder.AddListeningPort("unix:" + socket_path,
                             grpc::InsecureServerCredentials());
  }
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (server == nullptr) {
    std::fprintf(stderr, "network_service: could not start serving%s%s\n",
                 socket_path.empty() ? "" : " on unix:", socket_path.c_str());
    return 1;
  }
  if (!socket_path.empty())
    chmod(socket_path.c_str(), 0600);

  std::thread shutdown_thread;
  auto begin_shutdown = [&] {
    if (shutdown_thread.joinable())
      return;
    service.CloseAll(
        absl::UnavailableError("the network service is shutting down"));
    // Shutdown() blocks until calls end, and calls end on this loop: run it
    // elsewhere and come back when it is done.
    shutdown_thread = std::thread([&] {
      server->Shutdown(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
      loop.PostTask([&loop] { loop.Quit(); });
    });
  };
  // Refusals the audit log folded are counted in it once a second.
  uv_timer_t audit_flush;
  uv_timer_init(loop.uv_loop(), &audit_flush);
  audit_flush.data = &enforcer;
  uv_timer_start(
      &audit_flush,
      [](uv_timer_t* timer) {
        static_cast<network_service::PolicyEnforcer*>(timer->data)
            ->FlushFoldedRefusals();
      },
      1000, 1000);
  uv_unref(reinterpret_cast<uv_handle_t*>(&audit_flush));
  struct Signals {
    uv_signal_t term, interrupt;
  } signals;
  uv_signal_init(loop.uv_loop(), &signals.term);
  uv_signal_init(loop.uv_loop(), &signals.interrupt);
  signals.term.data = signals.interrupt.data = &begin_shutdown;
  auto on_signal = [](uv_signal_t* handle, int) {
    (*static_cast<decltype(begin_shutdown)*>(handle->data))();
  };
  uv_signal_start(&signals.term, on_signal, SIGTERM);
  uv_signal_start(&signals.interrupt, on_signal, SIGINT);

  // One guard per renderer channel, in front of gRPC (http2_guard.h).
  std::vector<std::unique_ptr<network_service::Http2Guard>> guards;
  std::unique_ptr<network_service::ControlChannel> control;
  if (control_fd >= 0) {
    control = std::make_unique<network_service::ControlChannel>(
        loop.uv_loop(), control_fd,
        [&apps, &server, &guards](int fd, common::AppGrant grant) {
          network_service::AppIdentity app{std::move(grant.origin),
                                           std::move(grant.features)};
          // Channels of renderers that are gone: their threads have ended.
          guards.erase(std::remove_if(
                           guards.begin(), guards.end(),
                           [](const auto& guard) { return guard->finished(); }),
                       guards.end());
          int grpc_fd = -1;
          absl::StatusOr<std::unique_ptr<network_service::Http2Guard>> guard =
              network_service::Http2Guard::Start(
                  fd, {},
                  [origin = app.origin](const std::string& why) {
                    std::fprintf(stderr,
                                 "network_service: the renderer of %s sent %s; "
                                 "its channel is closed\n",
                                 origin.c_str(), why.c_str());
                  },
                  &grpc_fd);
          if (!guard.ok()) {
            std::fprintf(stderr, "network_service: %s\n",
                         std::string(guard.status().message()).c_str());
            return;
          }
          guards.push_back(*std::move(guard));
          apps.BindChannel(grpc_fd, std::move(app));
          grpc::AddInsecureChannelFromFd(server.get(), grpc_fd);
        },
        [&begin_shutdown] {
          std::fprintf(stderr,
                       "network_service: the host is gone; shutting down\n");
          begin_shutdown();
        });
  }

  if (socket_path.empty()) {
    std::printf("network_service: serving host channels (pid %d)\n",
                static_cast<int>(getpid()));
  } else {
    std::printf("network_service: listening on unix:%s (pid %d)\n",
                socket_path.c_str(), static_cast<int>(getpid()));
  }
  std::fflush(stdout);

  loop.Run();

  if (control)
    control->Close();
  if (watcher)
    watcher->Close();
  enforcer.FlushFoldedRefusals();
  uv_close(reinterpret_cast<uv_handle_t*>(&audit_flush), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&signals.term), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&signals.interrupt), nullptr);
  // Run the close callbacks now, while the objects that own the handles
  // still exist.
  uv_run(loop.uv_loop(), UV_RUN_NOWAIT);
  if (shutdown_thread.joinable())
    shutdown_thread.join();
  server->Wait();
  guards.clear();
  loop.Shutdown();
  if (!socket_path.empty())
    unlink(socket_path.c_str());
  std::fprintf(stderr, "network_service: shut down\n");
  return 0;
}
