#ifndef NETWORK_SERVICE_REQUESTS_APP_ACCESS_H_
#define NETWORK_SERVICE_REQUESTS_APP_ACCESS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "common/ip_address.h"
#include "network_service/app_registry.h"
#include "network_service/policy_enforcer.h"
#include "proto/udp_socket.pb.h"

namespace network_service {

// What one app's socket may reach, as the app's manifest (the
// permissions-policy features the host reported for its channel) and the
// admin's policy decide. Every refusal is PERMISSION_DENIED (the page's
// NotAllowedError) naming the feature or the policy.
//
// Owned by a RestrictedUDPSocket; loop thread only.
class AppAccess {
 public:
  // `policy` (not owned) outlives this.
  AppAccess(AppIdentity app, PolicyEnforcer* policy);

  const std::string& origin() const { return app_.origin; }
  // The channel's datagram pipe, or null (AppIdentity::datagram_pipe).
  const std::shared_ptr<DatagramPipe>& datagram_pipe() const {
    return app_.datagram_pipe;
  }
  bool Has(const char* feature) const;

  // The manifest's features an open needs: direct-sockets, and
  // local-network for a bound socket (Local Network Access, as Chrome 156
  // asks of every bound socket).
  absl::Status CheckManifestForOpen(
      const direct_sockets::v1::OpenUDPSocket& open) const;
  // The refusal when the manifest lacks direct-sockets-multicast; `why`
  // ends the message (" (multicast options need it)").
  absl::Status MulticastNotGranted(const std::string& why) const;
  // A connected socket's peer (after DNS), or one destination of a bound
  // socket's send, for a socket opened with `open`: a loopback or private
  // peer of a connected socket needs its Local Network Access feature and
  // the private-network policy; a multicast destination needs
  // direct-sockets-multicast and a rule allowing its group, port, and the
  // socket's TTL and loopback.
  absl::Status CheckPeer(const common::IpAddress& peer,
                         uint16_t port,
                         const direct_sockets::v1::OpenUDPSocket& open) const;

 private:
  absl::Status NotGranted(const std::string& feature,
                          const std::string& why) const;

  const AppIdentity app_;
  PolicyEnforcer* const policy_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_APP_ACCESS_H_
