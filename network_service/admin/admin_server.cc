#include "network_service/admin/admin_server.h"

#include <grpcpp/server_posix.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "network_service/private_socket_path.h"

namespace network_service {

namespace admin = ::direct_sockets::admin::v1;

AdminServer::AdminServer(common::EventLoop* loop,
                         std::string path,
                         Describe describe)
    : loop_(loop), path_(std::move(path)), describe_(std::move(describe)) {}

AdminServer::~AdminServer() = default;

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    common::EventLoop* loop,
    const std::string& path,
    Describe describe) {
  absl::Status prepared = PreparePrivateSocketPath(path, "--admin-socket");
  if (!prepared.ok())
    return prepared;
  std::unique_ptr<AdminServer> server(
      new AdminServer(loop, path, std::move(describe)));
  grpc::ServerBuilder builder;
  builder.RegisterService(server.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr)
    return absl::UnavailableError("could not start the admin server");

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("admin socket: ", std::strerror(errno)));
  }
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  // The socket file is 0600 from the start.
  const mode_t old_umask = umask(0177);
  const int bound =
      bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int bind_errno = errno;
  umask(old_umask);
  if (bound != 0 || listen(fd, 16) != 0) {
    const std::string why = std::strerror(bound != 0 ? bind_errno : errno);
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on --admin-socket ", path, ": ", why));
  }
  AdminServer* self = server.get();
  uv_timer_init(loop->uv_loop(), &server->accept_pause_);
  server->accept_pause_.data = self;
  uv_unref(reinterpret_cast<uv_handle_t*>(&server->accept_pause_));
  server->listening_ = std::make_unique<common::FdWatch>(
      loop->uv_loop(), fd, UV_READABLE, [self](int status, int) {
        if (status >= 0)
          self->Accept();
      });
  return server;
}

bool AdminServer::MayConnect(uid_t uid) {
  return uid == 0 || uid == geteuid();
}

void AdminServer::Accept() {
  for (;;) {
    const int client = accept4(listening_->fd(), nullptr, nullptr,
                               SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
          errno != ECONNABORTED) {
        PauseAccepting();
      }
      return;
    }
    ucred peer = {};
    socklen_t length = sizeof(peer);
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        !MayConnect(peer.uid)) {
      LOG(WARNING) << "admin socket: refused a client of uid " << peer.uid
                   << " (pid " << peer.pid
                   << "): only root or the service's user may connect";
      close(client);
      continue;
    }
    // gRPC owns the descriptor from here.
    grpc::AddInsecureChannelFromFd(server_.get(), client);
  }
}

grpc::ServerUnaryReactor* AdminServer::GetState(
    grpc::CallbackServerContext* context,
    const admin::GetStateRequest*,
    admin::ServiceState* state) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool posted = loop_->PostTask([this, reactor, state] {
    describe_(state);
    reactor->Finish(grpc::Status::OK);
  });
  if (!posted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the network service is shutting down"));
  }
  return reactor;
}

void AdminServer::PauseAccepting() {
  ++accept_pauses_;
  LOG(WARNING) << "admin socket: cannot accept (" << std::strerror(errno)
               << "); trying again in " << kAcceptPauseMs << " ms";
  listening_->Stop();
  uv_timer_start(
      &accept_pause_,
      [](uv_timer_t* timer) {
        static_cast<AdminServer*>(timer->data)->listening_->Resume(UV_READABLE);
      },
      kAcceptPauseMs, 0);
}

void AdminServer::Close() {
  if (listening_ == nullptr)
    return;
  uv_close(reinterpret_cast<uv_handle_t*>(&accept_pause_), nullptr);
  listening_->Close();
  listening_.reset();
  unlink(path_.c_str());
}

void AdminServer::Shutdown() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
}

}  // namespace network_service
