#include "network_service/network_service_impl.h"

#include <utility>
#include <vector>

namespace network_service {

namespace v1 = ::direct_sockets::v1;

NetworkServiceImpl::NetworkServiceImpl(common::EventLoop* loop,
                                       AppRegistry* apps,
                                       PolicyEnforcer* policy,
                                       SocketFactory* sockets)
    : loop_(loop), apps_(apps), policy_(policy), socket_factory_(sockets) {}

NetworkServiceImpl::~NetworkServiceImpl() = default;

grpc::ServerBidiReactor<v1::UDPSocketRequest, v1::UDPSocketEvent>*
NetworkServiceImpl::OpenUDPSocket(grpc::CallbackServerContext* context) {
  auto stream = std::make_shared<UDPSocketStream>();
  const uint64_t id = next_id_.fetch_add(1);
  // The host must exist on the loop before the first request reaches it;
  // tasks run in order, so posting creation first is enough.
  // The app is the one the host bound to this channel; nothing the
  // renderer sends can change it.
  AppIdentity app = apps_->AppOfPeer(context->peer());
  absl::Status slot = apps_->AcquireStream(app.origin);
  if (!slot.ok()) {
    // Refused before any state exists for it: the stream ends at once.
    stream->Start(
        context->peer(), [](v1::UDPSocketRequest) {}, [] {}, [] {});
    stream->FinishWhenWritten(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                           std::string(slot.message())));
    return stream.get();
  }
  loop_->PostTask([this, id, stream, app = std::move(app)]() mutable {
    AddSocket(id, stream, std::move(app));
  });
  stream->Start(
      context->peer(),
      [this, id](v1::UDPSocketRequest request) {
        loop_->PostTask([this, id, request = std::move(request)]() mutable {
          if (RestrictedUDPSocket* host = FindSocket(id)) {
            host->HandleRequest(std::move(request));
          }
        });
      },
      [this, id] {
        loop_->PostTask([this, id] {
          if (RestrictedUDPSocket* host = FindSocket(id))
            host->OnRendererGone();
        });
      },
      [this, id] {
        loop_->PostTask([this, id] {
          if (RestrictedUDPSocket* host = FindSocket(id))
            host->OnOutboxDrained();
        });
      });
  return stream.get();
}

void NetworkServiceImpl::AddSocket(uint64_t id,
                                   std::shared_ptr<UDPSocketStream> stream,
                                   AppIdentity app) {
  if (closing_all_) {
    apps_->ReleaseStream(app.origin);
    stream->FinishWhenWritten(
        grpc::Status(grpc::StatusCode::UNAVAILABLE,
                     std::string(close_all_status_.message())));
    return;
  }
  const std::string origin = app.origin;
  auto host = std::make_unique<RestrictedUDPSocket>(
      loop_->uv_loop(), std::move(stream), apps_, policy_, socket_factory_,
      std::move(app), [this, id, origin] {
        // The host calls this from inside its own methods (a refused open
        // closes it in HandleRequest): delete it from the loop later, never
        // under its own call.
        loop_->PostTask([this, id, origin] {
          socket_table_.erase(id);
          apps_->ReleaseStream(origin);
        });
      });
  socket_table_.emplace(id, std::move(host));
}

RestrictedUDPSocket* NetworkServiceImpl::FindSocket(uint64_t id) {
  auto it = socket_table_.find(id);
  return it == socket_table_.end() ? nullptr : it->second.get();
}

void NetworkServiceImpl::RecheckPolicy() {
  std::vector<uint64_t> ids;
  for (const auto& [id, host] : socket_table_)
    ids.push_back(id);
  // A host may close (and leave the table) while rechecking: look each up.
  for (uint64_t id : ids) {
    if (RestrictedUDPSocket* host = FindSocket(id))
      host->RecheckPolicy();
  }
}

void NetworkServiceImpl::DescribeSockets(
    absl::FunctionRef<direct_sockets::admin::v1::Socket*(const std::string&)>
        add) const {
  for (const auto& [id, host] : socket_table_)
    host->Describe(id, add(host->origin()));
}

void NetworkServiceImpl::CloseAll(absl::Status status) {
  closing_all_ = true;
  close_all_status_ = status;
  std::vector<uint64_t> ids;
  for (const auto& [id, host] : socket_table_)
    ids.push_back(id);
  for (uint64_t id : ids) {
    if (RestrictedUDPSocket* host = FindSocket(id))
      host->Close(status);
  }
}

}  // namespace network_service
