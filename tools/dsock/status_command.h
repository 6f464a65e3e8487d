#ifndef TOOLS_DSOCK_STATUS_COMMAND_H_
#define TOOLS_DSOCK_STATUS_COMMAND_H_

#include <string>

#include "tools/dsock/admin_client.h"

namespace dsock {

// `dsock status`: what the network service holds, from its admin socket.
struct StatusOptions {
  std::string admin_socket = kDefaultAdminSocket;
  bool json = false;   // One JSON object a snapshot, a line each.
  bool watch = false;  // Again every interval_ms, until interrupted.
  int interval_ms = 1000;
  int count = 0;  // Snapshots to print (0: 1, or without end with --watch).
};

// Prints the snapshots; 0, or 1 (with the reason on stderr) when the
// service cannot be asked.
int Status(const StatusOptions& options);

}  // namespace dsock

#endif  // TOOLS_DSOCK_STATUS_COMMAND_H_
