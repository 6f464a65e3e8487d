#include "common/web_error.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace common {

namespace {
constexpr char kWebErrorPayload[] = "dsock/web-error";
}  // namespace

absl::Status WithWebError(absl::Status status, absl::string_view name) {
  if (!status.ok() && !name.empty())
    status.SetPayload(kWebErrorPayload, absl::Cord(name));
  return status;
}

std::string WebErrorOf(const absl::Status& status) {
  absl::optional<absl::Cord> name = status.GetPayload(kWebErrorPayload);
  return name ? std::string(*name) : std::string();
}

absl::Status HostNotResolved(absl::string_view detail) {
  constexpr absl::string_view kChromeSentence =
      "Hostname couldn't be resolved.";
  return absl::NotFoundError(
      detail.empty() ? std::string(kChromeSentence)
                     : absl::StrCat(kChromeSentence, " (", detail, ")"));
}

}  // namespace common
