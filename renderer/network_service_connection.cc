#include "renderer/network_service_connection.h"

#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/fd_passing.h"
#include "common/host_contract.h"
#include "common/logging.h"

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
  return FromInheritedFds(loop, fd, -1);
}

std::unique_ptr<NetworkServiceConnection>
NetworkServiceConnection::FromInheritedFds(common::EventLoop* loop,
                                           int fd,
                                           int datagram_pipe) {
  // gRPC needs the descriptor non-blocking (else every call times out).
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  const std::string target = "fd:" + std::to_string(fd);
  std::unique_ptr<NetworkServiceConnection> connection(
      new NetworkServiceConnection(
          loop, target, grpc::CreateInsecureChannelFromFd(target, fd)));
  if (datagram_pipe >= 0)
    connection->datagram_pipe_ = DatagramPipeReader::Start(loop, datagram_pipe);
  return connection;
}

std::unique_ptr<NetworkServiceConnection> NetworkServiceConnection::Connect(
    common::EventLoop* loop,
    const std::string& socket_path) {
  const char* inherited = std::getenv(kServiceFdEnv);
  int fd;
  if (inherited != nullptr && absl::SimpleAtoi(inherited, &fd) && fd >= 0) {
    // Only one connection may use the descriptors.
    unsetenv(kServiceFdEnv);
    const char* pipe = std::getenv(common::kDatagramPipeFdEnv);
    int pipe_fd = -1;
    if (pipe == nullptr || !absl::SimpleAtoi(pipe, &pipe_fd))
      pipe_fd = -1;
    unsetenv(common::kDatagramPipeFdEnv);
    std::unique_ptr<NetworkServiceConnection> connection =
        FromInheritedFds(loop, fd, pipe_fd);
    if (const char* granted = std::getenv(kPermissionsEnv))
      connection->set_permissions(common::ParseFeatureList(granted));
    const char* host = std::getenv(kHostFdEnv);
    int host_fd;
    if (host != nullptr && absl::SimpleAtoi(host, &host_fd) && host_fd >= 0) {
      unsetenv(kHostFdEnv);
      connection->WatchHostChannel(host_fd);
    }
    return connection;
  }
  return std::make_unique<NetworkServiceConnection>(
      loop, socket_path.empty() ? DefaultSocketPath() : socket_path);
}

void NetworkServiceConnection::WatchHostChannel(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  // The watch alone does not keep a renderer's loop running.
  host_watch_ = std::make_unique<common::FdWatch>(
      loop_->uv_loop(), fd, UV_READABLE | UV_DISCONNECT,
      [this](int, int) { OnHostChannelReadable(); });
}

void NetworkServiceConnection::OnHostChannelReadable() {
  for (;;) {
    absl::StatusOr<common::FdMessage> message =
        common::ReceiveFdMessage(host_watch_->fd());
    if (message.ok()) {
      if (message->text == common::kNewServiceChannelTag) {
        ReplaceChannel(message->fd, message->second_fd);
      } else {
        close(message->fd);
        if (message->second_fd >= 0)
          close(message->second_fd);
      }
      continue;
    }
    if (message.status().code() == absl::StatusCode::kUnavailable ||
        message.status().code() == absl::StatusCode::kInvalidArgument) {
      return;
    }
    // EOF: the host is gone. A renderer does not outlive its host.
    host_watch_->Stop();
    if (on_host_gone_) {
      on_host_gone_();
    } else {
      LOG(INFO) << "the host is gone; exiting";
      std::fflush(nullptr);
      _exit(0);
    }
    return;
  }
}

void NetworkServiceConnection::ReplaceChannel(int fd, int datagram_pipe) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  retired_channels_.push_back(std::move(channel_));
  target_ = "fd:" + std::to_string(fd);
  channel_ = grpc::CreateInsecureChannelFromFd(target_, fd);
  // The old pipe stays with the sockets that opened on it.
  datagram_pipe_ = datagram_pipe >= 0
                       ? DatagramPipeReader::Start(loop_, datagram_pipe)
                       : nullptr;
  stub_ = direct_sockets::v1::NetworkService::NewStub(channel_);
  ++generation_;
}

NetworkServiceConnection::~NetworkServiceConnection() {
  host_watch_.reset();
  for (const auto& weak : streams_) {
    if (auto stream = weak.lock()) {
      stream->Cancel();
      // The loop blocks below: the stream cannot wait for it to let go.
      stream->StopWriting();
    }
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
