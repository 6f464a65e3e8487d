#ifndef NETWORK_SERVICE_ADMIN_ADMIN_SERVER_H_
#define NETWORK_SERVICE_ADMIN_ADMIN_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "common/event_loop.h"
#include "common/fd_watch.h"
#include "proto/admin.grpc.pb.h"

namespace network_service {

// The service's read-only admin interface (proto/admin.proto) on a Unix
// socket of its own (--admin-socket), apart from every renderer: 0600 in a
// 0700 directory, each connection's peer checked (SO_PEERCRED: root or the
// service's own user, else closed at once), and a gRPC server of its own
// that knows only Admin, so no renderer channel (served by the other server,
// which knows only NetworkService) can reach it. GetState() runs `describe`
// on the loop, which owns every socket and count it describes.
//
// Owned by NetworkService. Start() and Close() on the loop thread;
// Shutdown() on a thread that is not the loop's (it waits for calls that
// the loop answers).
class AdminServer final
    : public direct_sockets::admin::v1::Admin::CallbackService {
 public:
  using Describe =
      absl::AnyInvocable<void(direct_sockets::admin::v1::ServiceState*)>;

  // Listens on `path` (readied as PreparePrivateSocketPath does).
  // INVALID_ARGUMENT or FAILED_PRECONDITION with what to fix, UNAVAILABLE
  // when the socket cannot be made.
  static absl::StatusOr<std::unique_ptr<AdminServer>>
  Start(common::EventLoop* loop, const std::string& path, Describe describe);
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;
  ~AdminServer() override;

  // Loop thread: stops accepting and removes the socket file.
  void Close();
  // Not the loop thread: ends the calls (the loop must still run).
  void Shutdown();

  // Whether a client with `uid` may read the state: root, or the user the
  // service runs as.
  static bool MayConnect(uid_t uid);
  // Loop thread: how often accepting had to pause (PauseAccepting).
  size_t accept_pauses() const { return accept_pauses_; }

  // direct_sockets::admin::v1::Admin::CallbackService:
  grpc::ServerUnaryReactor* GetState(
      grpc::CallbackServerContext* context,
      const direct_sockets::admin::v1::GetStateRequest* request,
      direct_sockets::admin::v1::ServiceState* state) override;

 private:
  AdminServer(common::EventLoop* loop, std::string path, Describe describe);
  // Loop thread: a client is waiting on the listening socket.
  void Accept();
  // Out of descriptors or memory, the listening socket stays readable:
  // stop watching it for kAcceptPauseMs rather than spin the loop.
  static constexpr uint64_t kAcceptPauseMs = 1000;
  void PauseAccepting();

  common::EventLoop* const loop_;
  const std::string path_;
  Describe describe_;  // Loop thread.
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<common::FdWatch> listening_;
  uv_timer_t accept_pause_;  // Initialized while listening_ exists.
  size_t accept_pauses_ = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_ADMIN_ADMIN_SERVER_H_
