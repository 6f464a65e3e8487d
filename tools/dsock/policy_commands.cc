#include "tools/dsock/policy_commands.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_address.h"
#include "common/socket_membership.h"
#include "policy/policy.h"
#include "policy/policy_loader.h"
#include "tools/dsock/command_status.h"

namespace dsock {

int ValidatePolicy(const std::string& dir) {
  // The service takes a missing directory for an unmanaged device; the
  // admin who names one to validate means a directory that is there.
  struct stat info;
  std::string problem;
  if (stat(dir.c_str(), &info) != 0) {
    problem = errno == ENOENT || errno == ENOTDIR ? "no such directory"
                                                  : std::strerror(errno);
  } else if (!S_ISDIR(info.st_mode)) {
    problem = "not a directory";
  }
  if (!problem.empty()) {
    std::printf(
        "%s: %s; give the directory that holds the policy's *.json "
        "files (on a device: %s)\n",
        dir.c_str(), problem.c_str(), policy::kDefaultPolicyDir);
    return kFailed;
  }
  std::vector<std::string> errors, warnings;
  policy::Policy loaded = policy::LoadPolicyDirectory(dir, &errors, &warnings);
  for (const std::string& warning : warnings)
    std::printf("%s/%s\n", dir.c_str(), warning.c_str());
  for (const std::string& error : errors)
    std::printf("%s/%s\n", dir.c_str(), error.c_str());
  if (!errors.empty())
    return kFailed;
  std::printf("%s: valid (%s)\n", dir.c_str(),
              loaded.managed() ? "managed device"
                               : "no policy files: an unmanaged device");
  return kOk;
}

int ExplainPolicy(const ExplainOptions& options) {
  const std::string command = "policy explain";
  const std::string origin = options.origin;
  if (origin.empty())
    return UsageError(command, "--origin is required");
  const int actions =
      !options.join.empty() + !options.send.empty() + (options.open ? 1 : 0);
  if (actions != 1)
    return UsageError(command, "give one of --join G, --send G, --open");
  const int port = options.port;
  if (port < 1 || port > 65535)
    return UsageError(command, "--port must be 1..65535");
  std::vector<std::string> errors;
  policy::Policy loaded =
      policy::LoadPolicyDirectory(options.policy_dir, &errors);
  if (!errors.empty()) {
    for (const std::string& error : errors)
      std::fprintf(stderr, "%s\n", error.c_str());
    return Fail(command, "the policy directory has errors (see above)");
  }
  const bool ttl_given = options.ttl >= 0;
  if (options.ttl > 255)
    return UsageError(command, "--ttl must be 0..255");
  // The socket the app opens first, as the service decides it: bound for a
  // join or --open (on the group's port), connected for a send.
  policy::Policy::SocketOpening socket;
  socket.bound = options.send.empty();
  socket.local_port = static_cast<uint16_t>(port);
  socket.multicast_options =
      options.open || ttl_given || options.share || !options.loopback;
  socket.ttl = static_cast<uint32_t>(ttl_given ? options.ttl : 1);
  socket.address_sharing = options.share;
  socket.loopback = options.loopback;
  if (options.share && !socket.bound)
    return UsageError(command,
                      "--share is for a bound socket (--join, --open)");
  policy::Decision decision = loaded.Open(origin, socket);
  if (!decision.allowed || options.open) {
    std::printf("%s by %s: %s\n", decision.allowed ? "ALLOW" : "DENY",
                decision.policy.c_str(), decision.reason.c_str());
    return decision.allowed ? kOk : kFailed;
  }
  if (!options.join.empty()) {
    std::optional<std::string> source;
    if (!options.source.empty())
      source = options.source;
    absl::StatusOr<common::SocketMembership> membership =
        common::ParseSocketMembership(options.join, source);
    if (!membership.ok())
      return UsageError(command, std::string(membership.status().message()));
    decision = loaded.Join(origin, *membership, static_cast<uint16_t>(port));
  } else if (!options.send.empty()) {
    std::optional<common::IpAddress> group =
        common::IpAddress::Parse(options.send);
    if (!group || !group->IsMulticast())
      return UsageError(command, "--send needs a multicast group address");
    decision = loaded.Send(origin, *group, static_cast<uint16_t>(port),
                           socket.ttl, options.loopback);
  }
  std::printf("%s by %s: %s\n", decision.allowed ? "ALLOW" : "DENY",
              decision.policy.c_str(), decision.reason.c_str());
  return decision.allowed ? kOk : kFailed;
}

}  // namespace dsock
