#ifndef NETWORK_SERVICE_REQUESTS_SOCKET_OPENER_H_
#define NETWORK_SERVICE_REQUESTS_SOCKET_OPENER_H_

#include <memory>
#include <optional>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "common/ip_address.h"
#include "network_service/requests/app_access.h"
#include "network_service/socket/datagram_socket.h"
#include "network_service/socket/socket_factory.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// Where a socket is opened, once the request layer has checked the open
// request (its form, the manifest, the policy, the app's cap): the address
// read as Chromium reads a literal, or a host name looked up in this
// process (honouring dnsQueryType); a connected socket's peer decided on
// the address the kernel will use (AppAccess::CheckPeer, after the lookup,
// IPv4-mapped read as IPv4); then the socket created with the request's
// options and bound or connected.
//
// Owned by a RestrictedUDPSocket; loop thread only. Destroying it, or
// Cancel(), stops a lookup in progress (`done` never runs then).
class SocketOpener {
 public:
  // What the socket became.
  struct Opened {
    int family = AF_UNSPEC;
    bool ipv6_only = false;
    // A connected socket's peer, as decided.
    std::optional<common::IpAddress> peer;
  };
  using Done = absl::AnyInvocable<void(absl::StatusOr<Opened>)>;

  // `sockets` and `access` (not owned) outlive this.
  SocketOpener(SocketFactory* sockets, const AppAccess* access);
  SocketOpener(const SocketOpener&) = delete;
  SocketOpener& operator=(const SocketOpener&) = delete;

  // Opens what `open` (not owned; outlives the opening) asks. `done` runs
  // once: within this call for an IP literal, later after a lookup. A
  // socket the factory made is in `*socket` even when binding failed (its
  // owner closes it).
  void Open(const direct_sockets::v1::OpenUDPSocket& open,
            std::unique_ptr<DatagramSocket>* socket,
            Done done);
  // Stops a lookup in progress.
  void Cancel() { lookup_.reset(); }

 private:
  void OpenAt(const sockaddr* resolved);

  SocketFactory* const sockets_;
  const AppAccess* const access_;
  const direct_sockets::v1::OpenUDPSocket* open_ = nullptr;
  std::unique_ptr<DatagramSocket>* socket_ = nullptr;
  Done done_;
  std::unique_ptr<SocketFactory::Lookup> lookup_;  // While resolving.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_SOCKET_OPENER_H_
