// The network service process: owns every real UDP socket of the renderers
// that connect to it. See docs/architecture.md.
//
// Usage: network_service --socket_path=/run/dsock/network.sock
// Prints "network_service: listening on unix:PATH (pid N)" on stdout once it
// accepts connections; SIGTERM or SIGINT shut it down cleanly (every socket
// closed, every stream ended with UNAVAILABLE, the socket file removed).
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "network_service/network_service_impl.h"

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
                     absl::StrCat(absl::Hex(info.st_mode & 0777)),
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

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Direct Sockets network service.\n"
      "Usage: network_service --socket_path=/absolute/dir/network.sock");
  absl::ParseCommandLine(argc, argv);
  const std::string socket_path = absl::GetFlag(FLAGS_socket_path);
  if (socket_path.empty()) {
    std::fprintf(stderr, "network_service: --socket_path is required\n");
    return 2;
  }
  absl::Status prepared = PrepareSocketPath(socket_path);
  if (!prepared.ok()) {
    std::fprintf(stderr, "network_service: %s\n",
                 std::string(prepared.message()).c_str());
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);

  common::EventLoop loop;
  network_service::NetworkServiceImpl service(&loop);

  // gRPC creates the socket file; the umask makes it 0600 from the start.
  const mode_t old_umask = umask(0177);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_path,
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (server == nullptr) {
    std::fprintf(stderr, "network_service: could not listen on unix:%s\n",
                 socket_path.c_str());
    return 1;
  }
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

  std::printf("network_service: listening on unix:%s (pid %d)\n",
              socket_path.c_str(), static_cast<int>(getpid()));
  std::fflush(stdout);

  loop.Run();

  uv_close(reinterpret_cast<uv_handle_t*>(&signals.term), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&signals.interrupt), nullptr);
  if (shutdown_thread.joinable())
    shutdown_thread.join();
  server->Wait();
  loop.Shutdown();
  unlink(socket_path.c_str());
  std::fprintf(stderr, "network_service: shut down\n");
  return 0;
}
