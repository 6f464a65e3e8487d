#ifndef TESTS_KERNEL_MULTICAST_STATE_H_
#define TESTS_KERNEL_MULTICAST_STATE_H_

#include <string>

#include "absl/status/status.h"
#include "common/ip_address.h"

namespace tests {

// What the kernel of the calling process's network namespace says about
// multicast memberships, read from /proc/net/{igmp,mcfilter,igmp6,mcfilter6}:
// the truth that a test checks the service against. Any thread.

// Some socket on some interface has joined `group` (ASM or SSM).
bool KernelHasGroup(const common::IpAddress& group);
// `source` is in the source filter of `group` (an SSM membership).
bool KernelHasSource(const common::IpAddress& group,
                     const common::IpAddress& source);
// The four tables, for failure messages.
std::string KernelMulticastTables();

// Moves the calling process (which must not have started threads yet) into
// a new, private network namespace with `lo` and a veth pair a0/a1 up:
// a0 has 10.78.0.1/24, 10.78.0.2/24, fd78::1/64 and fd78::2/64, and the
// IPv4 multicast route. It disappears when the process exits. Needs root.
absl::Status EnterPrivateNetworkNamespace();

}  // namespace tests

#endif  // TESTS_KERNEL_MULTICAST_STATE_H_
