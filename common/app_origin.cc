#include "common/app_origin.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace common {

absl::Status CheckIsolatedAppOrigin(const std::string& origin) {
  absl::string_view id = origin;
  if (!absl::ConsumePrefix(&id, "isolated-app://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "origin \"", origin, "\" does not start with isolated-app://"));
  }
  if (id.empty() || id.size() > 128) {
    return absl::InvalidArgumentError(absl::StrCat(
        "origin \"", origin, "\" needs an app id of 1 to 128 characters"));
  }
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return absl::InvalidArgumentError(
          absl::StrCat("origin \"", origin,
                       "\": an app id has lowercase letters and digits only"));
    }
  }
  return absl::OkStatus();
}

}  // namespace common
