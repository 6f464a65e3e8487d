#ifndef RENDERER_NETWORK_SERVICE_CONNECTION_H_
#define RENDERER_NETWORK_SERVICE_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/event_loop.h"
#include "proto/udp_socket.grpc.pb.h"

namespace renderer {

// A renderer's channel to the network service, with the loop on which the
// renderer's sockets and promises live. Created once per renderer process,
// owned by its main object, outlives every UDPSocket made with it. The
// channel connects lazily: a service that is not running shows up as a
// NetworkError on the first socket's `opened`.
class NetworkServiceConnection {
 public:
  // The environment variable naming the service's Unix socket, for programs
  // that take no flag.
  static constexpr char kSocketPathEnv[] = "DSOCK_NETWORK_SERVICE_SOCKET";

  NetworkServiceConnection(common::EventLoop* loop, std::string socket_path);
  NetworkServiceConnection(const NetworkServiceConnection&) = delete;
  NetworkServiceConnection& operator=(const NetworkServiceConnection&) =
      delete;
  ~NetworkServiceConnection();

  common::EventLoop* loop() const { return loop_; }
  direct_sockets::v1::NetworkService::Stub* stub() const {
    return stub_.get();
  }
  const std::string& target() const { return target_; }

 private:
  common::EventLoop* const loop_;
  const std::string target_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<direct_sockets::v1::NetworkService::Stub> stub_;
};

}  // namespace renderer

#endif  // RENDERER_NETWORK_SERVICE_CONNECTION_H_
