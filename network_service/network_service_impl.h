#ifndef NETWORK_SERVICE_NETWORK_SERVICE_IMPL_H_
#define NETWORK_SERVICE_NETWORK_SERVICE_IMPL_H_

#include <cstdint>
#include <map>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "common/event_loop.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/requests/restricted_udp_socket.h"
#include "network_service/socket/socket_factory.h"
#include "network_service/udp_socket_stream.h"
#include "proto/admin.pb.h"
#include "proto/udp_socket.grpc.pb.h"

namespace network_service {

// The gRPC service of the network service process: each OpenUDPSocket call
// becomes one RestrictedUDPSocket (the request layer) on the loop. gRPC threads
// call OpenUDPSocket(); they only create the stream and post to the loop. The
// socket table is owned by this object and used on the loop thread only. Owned
// by main(); must outlive the gRPC server's calls (destroy it after
// Server::Wait()).
class NetworkServiceImpl final
    : public direct_sockets::v1::NetworkService::CallbackService {
 public:
  // `apps` says which app each channel speaks for; `policy` enforces the
  // admin's policy; `sockets` is the socket layer. Not owned; all outlive
  // this.
  NetworkServiceImpl(common::EventLoop* loop,
                     AppRegistry* apps,
                     PolicyEnforcer* policy,
                     SocketFactory* sockets);
  NetworkServiceImpl(const NetworkServiceImpl&) = delete;
  NetworkServiceImpl& operator=(const NetworkServiceImpl&) = delete;
  ~NetworkServiceImpl() override;

  // Loop thread: closes every socket, ending each stream with `status`, and
  // refuses new ones.
  void CloseAll(absl::Status status);
  // Loop thread: the policy changed; every socket checks itself again.
  void RecheckPolicy();
  // Loop thread: describes each socket in the one `add(origin)` gives for
  // its app (the admin's view).
  void DescribeSockets(
      absl::FunctionRef<direct_sockets::admin::v1::Socket*(const std::string&)>
          add) const;

  // direct_sockets::v1::NetworkService::CallbackService:
  grpc::ServerBidiReactor<direct_sockets::v1::UDPSocketRequest,
                          direct_sockets::v1::UDPSocketEvent>*
  OpenUDPSocket(grpc::CallbackServerContext* context) override;

 private:
  // Loop thread.
  void AddSocket(uint64_t id,
                 std::shared_ptr<UDPSocketStream> stream,
                 AppIdentity app);
  RestrictedUDPSocket* FindSocket(uint64_t id);

  common::EventLoop* const loop_;
  AppRegistry* const apps_;
  PolicyEnforcer* const policy_;
  SocketFactory* const socket_factory_;
  std::atomic<uint64_t> next_id_{1};
  std::map<uint64_t, std::unique_ptr<RestrictedUDPSocket>>
      socket_table_;               // Loop.
  bool closing_all_ = false;       // Loop.
  absl::Status close_all_status_;  // Loop.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_NETWORK_SERVICE_IMPL_H_
