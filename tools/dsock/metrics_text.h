#ifndef TOOLS_DSOCK_METRICS_TEXT_H_
#define TOOLS_DSOCK_METRICS_TEXT_H_

#include <string>

#include "proto/admin.pb.h"

namespace dsock {

// The service's state in the Prometheus text exposition format (0.0.4), as
// `dsock admin serve` answers /metrics: per app (label `origin`) its
// channels, sockets, memberships and held sends (gauges), the datagrams and
// bytes its sockets moved and the packets the kernel dropped on them since
// the service started (counters, closed sockets included), refusals by app
// and deciding policy key, and the policy in force. docs/admin.md lists
// every metric.
std::string MetricsText(const direct_sockets::admin::v1::ServiceState& state);

// What /metrics says when the service cannot be asked: dsock_up 0.
std::string MetricsDown();

}  // namespace dsock

#endif  // TOOLS_DSOCK_METRICS_TEXT_H_
