#ifndef TOOLS_DSOCK_ADMIN_CLIENT_H_
#define TOOLS_DSOCK_ADMIN_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/admin.pb.h"

namespace dsock {

// Where `dsock status` and `dsock admin serve` look for the network
// service's admin socket unless told (the path docs/admin.md starts the
// service with).
inline constexpr char kDefaultAdminSocket[] = "/run/dsock/admin.sock";

// One snapshot of the service's state from its admin socket at `path`,
// within `timeout`. An error says what to do: no socket there (start the
// service with --admin-socket), not this user's to read (root only), or no
// answer.
absl::StatusOr<direct_sockets::admin::v1::ServiceState> FetchState(
    const std::string& path,
    absl::Duration timeout = absl::Seconds(5));

// The snapshot as JSON (proto/admin.proto's fields, snake_case, every field
// present, 64-bit counters as strings), on one line.
std::string StateJson(const direct_sockets::admin::v1::ServiceState& state);

}  // namespace dsock

#endif  // TOOLS_DSOCK_ADMIN_CLIENT_H_
