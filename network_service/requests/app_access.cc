#include "network_service/requests/app_access.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/local_network_access.h"
#include "common/web_error.h"

namespace network_service {

AppAccess::AppAccess(AppIdentity app, PolicyEnforcer* policy)
    : app_(std::move(app)), policy_(policy) {}

bool AppAccess::Has(const char* feature) const {
  return common::HasFeature(app_.permissions, feature);
}

absl::Status AppAccess::NotGranted(const std::string& feature,
                                   const std::string& why) const {
  return absl::PermissionDeniedError(absl::StrCat(
      app_.origin, ": the app's manifest does not grant ", feature, why));
}

absl::Status AppAccess::CheckManifestForOpen(
    const direct_sockets::v1::OpenUDPSocket& open) const {
  if (!Has(common::kDirectSockets))
    return NotGranted(common::kDirectSockets, "");
  if (open.has_bound() && !Has(common::kLocalNetwork)) {
    // Chrome 156's Local Network Access refusal is an InvalidAccessError.
    return common::WithWebError(
        NotGranted(common::kLocalNetwork,
                   " (a bound socket needs it; direct-sockets-private is "
                   "its older name)"),
        "InvalidAccessError");
  }
  return absl::OkStatus();
}

absl::Status AppAccess::MulticastNotGranted(const std::string& why) const {
  return NotGranted(common::kDirectSocketsMulticast, why);
}

absl::Status AppAccess::CheckPeer(
    const common::IpAddress& peer,
    uint16_t port,
    const direct_sockets::v1::OpenUDPSocket& open) const {
  const char* local_feature = common::FeatureToReach(peer);
  if (open.has_connected() && local_feature != nullptr) {
    // A bound socket needed both to open.
    if (!Has(local_feature)) {
      return common::WithWebError(
          NotGranted(local_feature,
                     absl::StrCat(", which a socket to ", peer.ToString(),
                                  " needs (direct-sockets-private is its "
                                  "older name)")),
          "InvalidAccessError");
    }
    return policy_->CheckPrivatePeer(app_.origin, peer, port);
  }
  if (peer.IsMulticast()) {
    if (!Has(common::kDirectSocketsMulticast)) {
      // Chrome 156's network service refuses it: a NetworkError there.
      return common::WithWebError(MulticastNotGranted(absl::StrCat(
                                      ", which sending to a multicast group (",
                                      peer.ToString(), ") needs")),
                                  "NetworkError");
    }
    return policy_->CheckSend(app_.origin, peer, port, open);
  }
  return absl::OkStatus();
}

}  // namespace network_service
