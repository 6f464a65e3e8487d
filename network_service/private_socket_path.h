#ifndef NETWORK_SERVICE_PRIVATE_SOCKET_PATH_H_
#define NETWORK_SERVICE_PRIVATE_SOCKET_PATH_H_

#include <string>

#include "absl/status/status.h"

namespace network_service {

// Readies `path` for a Unix socket only this user may reach (the service's
// socket, its admin socket): an absolute path short enough for sun_path, in
// a directory that exists (made 0700 if missing), belongs to this user and
// is closed to others; a socket file a service left behind is removed.
// INVALID_ARGUMENT or FAILED_PRECONDITION with what to fix, naming `flag`.
absl::Status PreparePrivateSocketPath(const std::string& path,
                                      const std::string& flag);

}  // namespace network_service

#endif  // NETWORK_SERVICE_PRIVATE_SOCKET_PATH_H_
