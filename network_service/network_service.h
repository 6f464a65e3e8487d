#ifndef NETWORK_SERVICE_NETWORK_SERVICE_H_
#define NETWORK_SERVICE_NETWORK_SERVICE_H_

#include <grpcpp/grpcpp.h>
#include <uv.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/event_loop.h"
#include "common/host_contract.h"
#include "network_service/admin/admin_server.h"
#include "network_service/app_registry.h"
#include "network_service/audit_log.h"
#include "network_service/control_channel.h"
#include "network_service/datagram_pipe.h"
#include "network_service/http2_guard.h"
#include "network_service/network_service_impl.h"
#include "network_service/policy_enforcer.h"
#include "network_service/policy_watcher.h"
#include "network_service/socket/uv_socket_factory.h"

namespace network_service {

// The network service process as a library: the loop, the app registry,
// the enforced policy and its watcher, the gRPC server with its limits on
// what a renderer may make it hold, the host's control channel and a guard
// on every renderer channel. `network_service`'s main() is flags around
// it; NetworkServiceThread runs it on a thread of an embedding program.
// Owned by that main(); Start() and Run() on the thread that runs the loop,
// Quit() from any.
class NetworkService {
 public:
  struct Options {
    // Started by a host: renderer channels and their grants arrive on this
    // inherited control socket; there is no listening socket.
    int control_fd = -1;
    // Standalone (development, foundation tests): a listening socket whose
    // callers are no app.
    std::string socket_path;
    // The managed policy directory; empty: an unmanaged device.
    std::string policy_dir;
    // Where policy refusals go (JSON lines); empty: stderr.
    std::string audit_log;
    // The read-only admin socket (--admin-socket); empty: none.
    std::string admin_socket;
    // Also audit what is allowed at open and join (--audit-allows).
    bool audit_allows = false;
    // Enforce no policy at all (never with `policy_dir`).
    bool unsafe_development_mode = false;
    // Shut down on SIGTERM and SIGINT (a process of its own); an embedder
    // that has its own use for them calls Quit().
    bool handle_signals = true;
  };

  // Checks `options` (INVALID_ARGUMENT or FAILED_PRECONDITION with what to
  // fix), reads the policy, and starts serving (UNAVAILABLE if gRPC cannot).
  static absl::StatusOr<std::unique_ptr<NetworkService>> Start(
      const Options& options);
  NetworkService(const NetworkService&) = delete;
  NetworkService& operator=(const NetworkService&) = delete;
  ~NetworkService();

  // Prints the ready line, then runs until SIGTERM, SIGINT, the host's
  // end or Quit(), and shuts down cleanly: every socket closed, every
  // stream ended with UNAVAILABLE, the socket file removed.
  void Run();
  // Any thread: makes Run() shut down and return, as SIGTERM does.
  void Quit();

 private:
  explicit NetworkService(const Options& options);

  // The policy of the options, announced on stderr.
  absl::Status LoadPolicy();
  // A renderer channel from the host: guard it, bind it to its app, serve.
  // `datagram_pipe` is -1 when the host sent none.
  void AddRendererChannel(int fd, int datagram_pipe, common::AppGrant grant);
  // Lets go of the channels whose renderers have gone.
  void ForgetEndedChannels();
  void BeginShutdown();
  // The admin's view of everything the service holds (AdminServer).
  void DescribeState(direct_sockets::admin::v1::ServiceState* state);

  const Options options_;
  common::EventLoop loop_;
  AppRegistry apps_;
  std::unique_ptr<AuditLog> audit_log_;
  PolicyEnforcer enforcer_;
  std::unique_ptr<UvSocketFactory> sockets_;  // The socket layer.
  std::unique_ptr<NetworkServiceImpl> service_;
  std::unique_ptr<PolicyWatcher> watcher_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<ControlChannel> control_;
  std::unique_ptr<AdminServer> admin_;
  const absl::Time started_at_ = absl::Now();
  // Each renderer channel's guard, and its datagram pipe (closed when the
  // guard finds the renderer gone).
  struct Channel {
    std::unique_ptr<Http2Guard> guard;
    std::shared_ptr<DatagramPipe> datagram_pipe;
    std::string origin;  // Who the host said the renderer speaks for.
    std::set<std::string> permissions;
  };
  std::vector<Channel> channels_;
  std::thread shutdown_thread_;
  bool ran_ = false;
  uv_timer_t audit_flush_;
  uv_signal_t sigterm_;
  uv_signal_t sigint_;
  uv_signal_t sighup_;  // Reopens the audit log (logrotate).
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_NETWORK_SERVICE_H_
