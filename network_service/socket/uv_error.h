#ifndef NETWORK_SERVICE_SOCKET_UV_ERROR_H_
#define NETWORK_SERVICE_SOCKET_UV_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace network_service {

// "message (ENAME)" for libuv error code `error`.
std::string UvErrorText(int error);

// An OS failure while doing `what`: UNAVAILABLE, which the renderer shows
// as NetworkError "Network Error. (what: text (ENAME))" -- Chrome 156's
// sentence, then ours -- or, for an address the host does not have, as
// DataError "The address is not valid. (...)".
absl::Status OsError(absl::string_view what, int uv_error);

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_UV_ERROR_H_
