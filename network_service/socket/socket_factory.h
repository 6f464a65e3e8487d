#ifndef NETWORK_SERVICE_SOCKET_SOCKET_FACTORY_H_
#define NETWORK_SERVICE_SOCKET_SOCKET_FACTORY_H_

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "network_service/socket/datagram_socket.h"

namespace network_service {

// The system as the request layer sees it: new UDP sockets and host name
// lookups. UvSocketFactory is the real one (libuv); FakeSocketFactory
// (tests) hands out fakes. Owned by NetworkService (or a test); loop thread
// only; outlives every socket it made.
class SocketFactory {
 public:
  // A lookup in progress; destroying it cancels it (its callback never
  // runs).
  class Lookup {
   public:
    virtual ~Lookup() = default;
  };
  // The first address found, with the port asked for; NOT_FOUND when the
  // name has none.
  using LookupDone = absl::AnyInvocable<void(absl::StatusOr<sockaddr_storage>)>;

  virtual ~SocketFactory() = default;

  // A new UDP socket of `family` (AF_INET or AF_INET6), not yet bound or
  // connected. UNAVAILABLE when the system gives none (descriptors).
  virtual absl::StatusOr<std::unique_ptr<DatagramSocket>> CreateUDPSocket(
      int family) = 0;

  // Looks `host` up for a socket of `family` (AF_UNSPEC: any family this
  // machine has an address of). `done` runs once, later, from the loop,
  // unless the lookup is destroyed first. UNAVAILABLE when it cannot start.
  virtual absl::StatusOr<std::unique_ptr<Lookup>> ResolveHost(
      const std::string& host,
      uint16_t port,
      int family,
      LookupDone done) = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_SOCKET_FACTORY_H_
