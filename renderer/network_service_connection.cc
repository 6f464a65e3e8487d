#include "renderer/network_service_connection.h"

#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"

namespace renderer {

std::string NetworkServiceConnection::DefaultSocketPath() {
  const char* from_environment = std::getenv(kSocketPathEnv);
  if (from_environment != nullptr && from_environment[0] != '\0')
    return from_environment;
  return kDefaultSocketPath;
}

NetworkServiceConnection::NetworkServiceConnection(common::EventLoop* loop,
                                                   std::string socket_path)
    : loop_(loop), target_("unix:" + std::move(socket_path)) {
  grpc::ChannelArguments args;
  // Each renderer gets its own connection, as a renderer has its own pipe.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  channel_ = grpc::CreateCustomChannel(
      target_, grpc::InsecureChannelCredentials(), args);
  stub_ = direct_sockets::v1::NetworkService::NewStub(channel_);
}

NetworkServiceConnection::NetworkServiceConnection(
    common::EventLoop* loop,
    std::string target,
    std::shared_ptr<grpc::Channel> channel)
    : loop_(loop), target_(std::move(target)), channel_(std::move(channel)) {
  stub_ = direct_sockets::v1::NetworkService::NewStub(channel_);
}

std::unique_ptr<NetworkServiceConnection>
NetworkServiceConnection::FromInheritedFd(common::EventLoop* loop, int fd) {
  // gRPC needs the descriptor non-blocking (else every call times out).
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  const std::string target = "fd:" + std::to_string(fd);
  return std::unique_ptr<NetworkServiceConnection>(new NetworkServiceConnection(
      loop, target, grpc::CreateInsecureChannelFromFd(target, fd)));
}

std::unique_ptr<NetworkServiceConnection> NetworkServiceConnection::Connect(
    common::EventLoop* loop,
    const std::string& socket_path) {
  const char* inherited = std::getenv(kServiceFdEnv);
  int fd;
  if (inherited != nullptr && absl::SimpleAtoi(inherited, &fd) && fd >= 0) {
    // Only one connection may use the descriptor.
    unsetenv(kServiceFdEnv);
    return FromInheritedFd(loop, fd);
  }
  return std::make_unique<NetworkServiceConnection>(
      loop, socket_path.empty() ? DefaultSocketPath() : socket_path);
}

NetworkServiceConnection::~NetworkServiceConnection() {
  for (const auto& weak : streams_) {
    if (auto stream = weak.lock())
      stream->Cancel();
  }
  absl::MutexLock lock(&mutex_);
  auto all_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return active_streams_ == 0;
  };
  mutex_.AwaitWithTimeout(absl::Condition(&all_done), absl::Seconds(10));
}

std::shared_ptr<SocketStreamClient> NetworkServiceConnection::OpenSocketStream(
    SocketStreamClient::EventHandler on_event,
    SocketStreamClient::DoneHandler on_done) {
  {
    absl::MutexLock lock(&mutex_);
    ++active_streams_;
  }
  // Forget streams that are gone, so the list stays as long as the live set.
  streams_.erase(
      std::remove_if(streams_.begin(), streams_.end(),
                     [](const auto& weak) { return weak.expired(); }),
      streams_.end());
  std::shared_ptr<SocketStreamClient> stream = SocketStreamClient::Start(
      stub_.get(), loop_, std::move(on_event), std::move(on_done), [this] {
        absl::MutexLock lock(&mutex_);
        --active_streams_;
      });
  streams_.push_back(stream);
  return stream;
}

}  // namespace renderer
