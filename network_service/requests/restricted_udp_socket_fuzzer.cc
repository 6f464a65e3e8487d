// libFuzzer target: a compromised renderer's requests, decoded, into a real
// RestrictedUDPSocket (on real sockets, on a private network namespace's
// loopback: tools/fuzz/run and the corpus test enter one first) under a real
// policy. Every input is one socket stream. Afterwards the socket is closed and
// destroyed and the app must hold nothing: no socket, membership or send
// bytes counted against it.
//
// Input: byte 0 picks the app's permissions-policy features (bit 0
// direct-sockets, 1 direct-sockets-multicast, 2 local-network, 3
// loopback-network); then requests, each a 2-byte big-endian length and a
// serialized direct_sockets.v1.UDPSocketRequest (undecodable ones are
// skipped, as gRPC would refuse them).
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "network_service/renderer_stream.h"
#include "network_service/requests/restricted_udp_socket.h"
#include "network_service/socket/uv_socket_factory.h"
#include "policy/policy_loader.h"

namespace {

namespace v1 = ::direct_sockets::v1;

constexpr char kOrigin[] = "isolated-app://fuzz";

void Check(bool condition) {
  if (!condition)
    __builtin_trap();
}

// The renderer's stream, as the socket sees it: answers are counted, never
// sent anywhere.
class FakeStream : public network_service::RendererStream {
 public:
  void ReadNext() override { ++reads_; }
  void Write(v1::UDPSocketEvent event) override {
    outbox_ += event.ByteSizeLong();
  }
  void FinishWhenWritten(grpc::Status) override { finished_ = true; }
  size_t OutboxBytes() const override { return 0; }
  std::string peer() const override { return "fuzz"; }

  int reads_ = 0;
  size_t outbox_ = 0;
  bool finished_ = false;
};

struct Service {
  Service() {
    uv_loop_init(&loop);
    policy::PolicyBuilder builder;
    std::vector<std::string> errors;
    builder.AddJson("fuzz.json", R"({
      "DirectSocketsMulticastRules": [{
        "origins": ["isolated-app://fuzz"],
        "receive_groups": ["239.10.0.0/16", "ff3e::/16", "224.0.0.251"],
        "send_groups": ["239.10.0.0/16", "ff3e::/16"],
        "ssm_sources": ["127.0.0.0/8", "10.0.0.0/8"],
        "ports": ["5000-5010", "5353"],
        "max_ttl": 4,
        "allow_address_sharing": true,
        "max_memberships": 30,
        "max_datagrams_per_second": 50
      }]})",
                    &errors);
    policy::Policy loaded = builder.Build(&errors);
    Check(errors.empty());
    enforcer = std::make_unique<network_service::PolicyEnforcer>(
        std::move(loaded), nullptr);
  }
  uv_loop_t loop;
  network_service::UvSocketFactory sockets{&loop};
  network_service::AppRegistry apps;
  std::unique_ptr<network_service::PolicyEnforcer> enforcer;
};

Service& TheService() {
  static Service* service = new Service;
  return *service;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  Service& service = TheService();
  std::set<std::string> permissions;
  const char* features[] = {"direct-sockets", "direct-sockets-multicast",
                            "local-network", "loopback-network"};
  for (int bit = 0; bit < 4; ++bit) {
    if ((data[0] >> bit) & 1)
      permissions.insert(features[bit]);
  }
  auto stream = std::make_shared<FakeStream>();
  bool closed = false;
  auto socket = std::make_unique<network_service::RestrictedUDPSocket>(
      &service.loop, stream, &service.apps, service.enforcer.get(),
      &service.sockets, network_service::AppIdentity{kOrigin, permissions},
      [&closed] { closed = true; });
  size_t at = 1;
  while (at + 2 <= size && !closed) {
    const size_t length = (size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    if (length > size - at)
      break;
    v1::UDPSocketRequest request;
    if (request.ParseFromArray(data + at, static_cast<int>(length)))
      socket->HandleRequest(std::move(request));
    at += length;
    uv_run(&service.loop, UV_RUN_NOWAIT);
  }
  socket->Close(absl::OkStatus());
  for (int i = 0; i < 1000 && !closed; ++i)
    uv_run(&service.loop, UV_RUN_NOWAIT);
  Check(closed);
  Check(stream->finished_);
  socket.reset();
  // The app holds nothing once its only socket is gone.
  Check(service.apps.sockets_of(kOrigin) == 0);
  Check(service.apps.memberships_of(kOrigin) == 0);
  Check(
      service.apps
          .AcquireSendBytes(
              kOrigin, network_service::AppRegistry::kMaxPendingSendBytesPerApp)
          .ok());
  service.apps.ReleaseSendBytes(
      kOrigin, network_service::AppRegistry::kMaxPendingSendBytesPerApp);
  return 0;
}
