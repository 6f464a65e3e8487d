#include "network_service/socket/uv_error.h"

#include <uv.h>

#include "absl/strings/str_cat.h"

namespace network_service {

std::string UvErrorText(int error) {
  return absl::StrCat(uv_strerror(error), " (", uv_err_name(error), ")");
}

absl::Status OsError(absl::string_view what, int uv_error) {
  return absl::UnavailableError(
      absl::StrCat(what, ": ", UvErrorText(uv_error)));
}

}  // namespace network_service
