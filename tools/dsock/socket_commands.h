#ifndef TOOLS_DSOCK_SOCKET_COMMANDS_H_
#define TOOLS_DSOCK_SOCKET_COMMANDS_H_

#include <string>

namespace dsock {

// What `dsock send` and `dsock recv` share: the group, and how to reach the
// network service.
struct GroupOptions {
  std::string group;
  int port = 0;
  int count = 1;  // Datagrams to send, or to wait for.
  int timeout_ms = 5000;
  // The service's Unix socket; empty: $DSOCK_NETWORK_SERVICE_SOCKET, else
  // /run/dsock/network.sock (a hosted dsock uses its host's channel).
  std::string service_socket;
};

struct SendOptions : GroupOptions {
  int ttl = 1;
  bool loopback = true;
  int interval_ms = 0;
  std::string message;
};

struct RecvOptions : GroupOptions {
  std::string source;  // Non-empty: a source-specific join.
  bool share = false;  // multicastAllowAddressSharing.
};

// `dsock send`: --count datagrams of the message to the group from a
// connected UDPSocket, one line "sent to ADDR:PORT LEN TEXT" each.
// `dsock recv`: joins the group on a bound UDPSocket and prints
// "from ADDR:PORT LEN TEXT" per datagram until --count arrived.
// Both go through the network service as a page would, and return dsock's
// exit status (command_status.h). Main thread; each makes its own loop.
int Send(const SendOptions& options);
int Recv(const RecvOptions& options);

}  // namespace dsock

#endif  // TOOLS_DSOCK_SOCKET_COMMANDS_H_
