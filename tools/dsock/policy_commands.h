#ifndef TOOLS_DSOCK_POLICY_COMMANDS_H_
#define TOOLS_DSOCK_POLICY_COMMANDS_H_

#include <string>

namespace dsock {

// What `dsock policy explain` decides, as the network service would.
struct ExplainOptions {
  std::string policy_dir;
  std::string origin;
  std::string join;    // Exactly one of join, send, open.
  std::string source;  // With join: source-specific.
  std::string send;
  bool open = false;
  int port = 0;
  int ttl = -1;  // Not given: the spec's default, 1.
  bool share = false;
  bool loopback = true;
};

// `dsock policy validate DIR`: prints each error with its file and key path
// (exit 1), or "DIR: valid (...)" (exit 0).
int ValidatePolicy(const std::string& dir);
// `dsock policy explain`: prints ALLOW or DENY and the policy that decided,
// taking each step the network service would: the socket's open (Direct
// Sockets, Private Network Access, and the multicast rule's port, TTL,
// sharing and loopback for the options given), then the join or the send;
// exit 0 for ALLOW, 1 for DENY, 2 for a usage error.
int ExplainPolicy(const ExplainOptions& options);

}  // namespace dsock

#endif  // TOOLS_DSOCK_POLICY_COMMANDS_H_
