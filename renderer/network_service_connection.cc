#include "renderer/network_service_connection.h"

#include <utility>

namespace renderer {

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

NetworkServiceConnection::~NetworkServiceConnection() = default;

}  // namespace renderer
