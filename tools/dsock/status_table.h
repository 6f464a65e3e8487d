#ifndef TOOLS_DSOCK_STATUS_TABLE_H_
#define TOOLS_DSOCK_STATUS_TABLE_H_

#include <string>

#include "proto/admin.pb.h"

namespace dsock {

// `dsock status` for a person, as `ss` prints sockets: a line on the
// service and its policy, then tables of apps, sockets, memberships and
// the latest refusals, columns aligned. With `previous` (an earlier
// snapshot of the same service, as --watch has) the socket table also says
// datagrams a second in and out since then.
std::string StatusTable(
    const direct_sockets::admin::v1::ServiceState& state,
    const direct_sockets::admin::v1::ServiceState* previous);

// How many refusals StatusTable lists (the latest; --json has them all).
inline constexpr int kRefusalsShown = 10;

}  // namespace dsock

#endif  // TOOLS_DSOCK_STATUS_TABLE_H_
