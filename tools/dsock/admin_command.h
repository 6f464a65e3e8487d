#ifndef TOOLS_DSOCK_ADMIN_COMMAND_H_
#define TOOLS_DSOCK_ADMIN_COMMAND_H_

#include <string>

#include "tools/dsock/admin_client.h"

namespace dsock {

// `dsock admin serve`: the admin's live page and /metrics over HTTP on
// loopback (admin_page_server.h).
struct AdminServeOptions {
  std::string listen = "127.0.0.1:9470";  // HOST:PORT, [V6]:PORT.
  std::string admin_socket = kDefaultAdminSocket;
  // A file holding the token (for Prometheus' credentials_file); empty: a
  // new random token each start.
  std::string token_file;
};

// Checks that the service answers, prints "dsock admin: serving URL ..."
// with the token, and serves until SIGINT or SIGTERM: 0. 1 when the service
// cannot be asked or the port bound, 2 on a usage error.
int AdminServe(const AdminServeOptions& options);

}  // namespace dsock

#endif  // TOOLS_DSOCK_ADMIN_COMMAND_H_
