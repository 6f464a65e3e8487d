#include "common/host_contract.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/app_origin.h"
#include "common/local_network_access.h"
#include "common/log_text.h"

namespace common {

std::vector<std::string> RendererEnvNames() {
  return {kServiceFdEnv, kHostFdEnv, kDatagramPipeFdEnv, kAppOriginEnv,
          kAppPermissionsEnv};
}

std::set<std::string> ParseFeatureList(absl::string_view list) {
  std::set<std::string> features;
  for (absl::string_view feature : absl::StrSplit(list, ',', absl::SkipEmpty()))
    features.insert(std::string(feature));
  return features;
}

std::string FeatureList(const std::set<std::string>& features) {
  return absl::StrJoin(features, ",");
}

std::string EncodeGrant(const AppGrant& grant) {
  return absl::StrCat(grant.origin, "\n", FeatureList(grant.features));
}

absl::StatusOr<AppGrant> DecodeGrant(absl::string_view text) {
  const size_t newline = text.find('\n');
  AppGrant grant;
  grant.origin = std::string(text.substr(0, newline));
  absl::Status origin = CheckIsolatedAppOrigin(grant.origin);
  if (!origin.ok())
    return origin;
  if (newline != absl::string_view::npos)
    grant.features = ParseFeatureList(text.substr(newline + 1));
  const std::vector<std::string> known = KnownFeatures();
  for (const std::string& feature : grant.features) {
    if (std::find(known.begin(), known.end(), feature) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the grant of ", grant.origin, " names \"",
                       LogSafe(feature), "\", which is not a feature"));
    }
  }
  return grant;
}

}  // namespace common
