#ifndef NETWORK_SERVICE_SOCKET_UV_SOCKET_FACTORY_H_
#define NETWORK_SERVICE_SOCKET_UV_SOCKET_FACTORY_H_

#include <uv.h>

#include "network_service/socket/socket_factory.h"

namespace network_service {

// The real SocketFactory: UvDatagramSockets on `loop`, and lookups with
// uv_getaddrinfo (the system's resolver, on libuv's thread pool). Owned by
// NetworkService; loop thread only.
class UvSocketFactory final : public SocketFactory {
 public:
  explicit UvSocketFactory(uv_loop_t* loop) : loop_(loop) {}
  UvSocketFactory(const UvSocketFactory&) = delete;
  UvSocketFactory& operator=(const UvSocketFactory&) = delete;

  // SocketFactory:
  absl::StatusOr<std::unique_ptr<DatagramSocket>> CreateUDPSocket(
      int family) override;
  absl::StatusOr<std::unique_ptr<Lookup>> ResolveHost(const std::string& host,
                                                      uint16_t port,
                                                      int family,
                                                      LookupDone done) override;

 private:
  uv_loop_t* const loop_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_UV_SOCKET_FACTORY_H_
