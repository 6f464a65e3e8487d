#include "network_service/socket/uv_error.h"

#include <uv.h>

#include "absl/strings/str_cat.h"
#include "common/web_error.h"

namespace network_service {

std::string UvErrorText(int error) {
  return absl::StrCat(uv_strerror(error), " (", uv_err_name(error), ")");
}

absl::Status OsError(absl::string_view what, int uv_error) {
  // Chrome 156's sentence for the net error first, then what failed here.
  if (uv_error == UV_EADDRNOTAVAIL) {
    return common::WithWebError(
        absl::UnavailableError(absl::StrCat("The address is not valid. (", what,
                                            ": ", UvErrorText(uv_error), ")")),
        "DataError");
  }
  return absl::UnavailableError(
      absl::StrCat("Network Error. (", what, ": ", UvErrorText(uv_error), ")"));
}

}  // namespace network_service
