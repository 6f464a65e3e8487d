#ifndef RENDERER_NETWORK_SERVICE_CONNECTION_H_
#define RENDERER_NETWORK_SERVICE_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

#include "common/event_loop.h"
#include "common/fd_watch.h"
#include "common/host_contract.h"
#include "common/local_network_access.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/datagram_pipe_reader.h"
#include "renderer/socket_stream_client.h"

namespace renderer {

// A renderer's channel to the network service, with the loop on which the
// renderer's sockets and promises live. Created once per renderer process,
// owned by its main object, outlives every UDPSocket made with it. The
// channel connects lazily: a service that is not running shows up as a
// NetworkError on the first socket's `opened`.
class NetworkServiceConnection {
 public:
  // How every renderer program finds the service when not told by a flag:
  // $DSOCK_NETWORK_SERVICE_SOCKET if set, else kDefaultSocketPath.
  static constexpr const char* kSocketPathEnv = common::kServiceSocketEnv;
  static constexpr char kDefaultSocketPath[] = "/run/dsock/network.sock";
  static std::string DefaultSocketPath();

  // A connection to a standalone service's listening socket.
  NetworkServiceConnection(common::EventLoop* loop, std::string socket_path);
  // A connection over an inherited, connected socket: how a host gives a
  // renderer its channel (the service knows which app it belongs to). Takes
  // ownership of `fd`.
  static std::unique_ptr<NetworkServiceConnection> FromInheritedFd(
      common::EventLoop* loop,
      int fd);
  // The same with the renderer's end of its datagram pipe
  // (common/datagram_frame.h; -1: none), which it also takes.
  static std::unique_ptr<NetworkServiceConnection>
  FromInheritedFds(common::EventLoop* loop, int fd, int datagram_pipe);
  // How renderer programs connect: the channel the host gave them
  // ($DSOCK_SERVICE_FD), else `socket_path` if not empty, else
  // DefaultSocketPath(). With a host, it reads its datagram pipe
  // ($DSOCK_DATAGRAM_PIPE_FD) and watches the host channel
  // ($DSOCK_HOST_FD): a new service channel after the host restarted the
  // service replaces the old one, and EOF (the host died) ends the process
  // unless SetHostGoneHandler() says otherwise.
  static constexpr const char* kServiceFdEnv = common::kServiceFdEnv;
  // The permissions-policy features the host says the app's manifest grants
  // (comma-separated); without it, every Direct Sockets feature.
  static constexpr const char* kPermissionsEnv = common::kAppPermissionsEnv;
  static constexpr const char* kHostFdEnv = common::kHostFdEnv;
  static std::unique_ptr<NetworkServiceConnection> Connect(
      common::EventLoop* loop,
      const std::string& socket_path);
  NetworkServiceConnection(const NetworkServiceConnection&) = delete;
  NetworkServiceConnection& operator=(const NetworkServiceConnection&) = delete;
  // Cancels the streams still open and waits (bounded) until gRPC is done
  // with them, so none posts to the loop after this returns.
  ~NetworkServiceConnection();

  // Loop thread: opens one socket stream (see SocketStreamClient::Start).
  std::shared_ptr<SocketStreamClient> OpenSocketStream(
      SocketStreamClient::EventHandler on_event,
      SocketStreamClient::DoneHandler on_done);

  common::EventLoop* loop() const { return loop_; }

  // Whether the app may use a permissions-policy feature
  // (common/local_network_access.h; the older "direct-sockets-private"
  // grants local-network and loopback-network). The network service checks
  // again: this only spares a doomed request.
  bool HasPermission(const std::string& feature) const {
    return common::HasFeature(permissions_, feature);
  }
  void set_permissions(std::set<std::string> permissions) {
    permissions_ = std::move(permissions);
  }

  // Loop thread: new sockets go over a channel on `fd`, with the datagram
  // pipe `datagram_pipe` (-1: none), from now on (the host restarted the
  // service). Takes ownership of both.
  void ReplaceChannel(int fd, int datagram_pipe = -1);
  // Loop thread: the channel's datagram pipe, or null. A socket asks for
  // its datagrams there when there is one, and keeps the one it opened on.
  const std::shared_ptr<DatagramPipeReader>& datagram_pipe() const {
    return datagram_pipe_;
  }
  // Counts ReplaceChannel() calls: a renderer can wait for a new service.
  int generation() const { return generation_; }
  // Loop thread: watches the host channel `fd` (see Connect()).
  void WatchHostChannel(int fd);
  void SetHostGoneHandler(absl::AnyInvocable<void()> handler) {
    on_host_gone_ = std::move(handler);
  }
  direct_sockets::v1::NetworkService::Stub* stub() const { return stub_.get(); }
  const std::string& target() const { return target_; }

 private:
  NetworkServiceConnection(common::EventLoop* loop,
                           std::string target,
                           std::shared_ptr<grpc::Channel> channel);

  void OnHostChannelReadable();

  common::EventLoop* const loop_;
  std::string target_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<DatagramPipeReader> datagram_pipe_;
  std::unique_ptr<direct_sockets::v1::NetworkService::Stub> stub_;
  // Channels of services that died; calls may still hold them.
  std::vector<std::shared_ptr<grpc::Channel>> retired_channels_;
  int generation_ = 0;
  std::set<std::string> permissions_ = {
      common::kDirectSockets, common::kDirectSocketsMulticast,
      common::kLocalNetwork, common::kLoopbackNetwork};
  std::unique_ptr<common::FdWatch> host_watch_;
  absl::AnyInvocable<void()> on_host_gone_;

  absl::Mutex mutex_;
  int active_streams_ ABSL_GUARDED_BY(mutex_) = 0;
  std::vector<std::weak_ptr<SocketStreamClient>> streams_;  // Loop thread.
};

}  // namespace renderer

#endif  // RENDERER_NETWORK_SERVICE_CONNECTION_H_
