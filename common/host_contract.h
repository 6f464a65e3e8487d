#ifndef COMMON_HOST_CONTRACT_H_
#define COMMON_HOST_CONTRACT_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace common {

// What the host tells the network service and the renderers, defined once
// for the three of them (docs/host.md). Pure; any thread.

// A renderer's environment, set by the host: the channel to the service
// (fd 3), the host's own channel for a new service after a restart (fd 4),
// the renderer's end of its datagram pipe (fd 5, common/datagram_frame.h),
// the app's origin and its permissions-policy features.
inline constexpr char kServiceFdEnv[] = "DSOCK_SERVICE_FD";
inline constexpr char kDatagramPipeFdEnv[] = "DSOCK_DATAGRAM_PIPE_FD";
inline constexpr char kHostFdEnv[] = "DSOCK_HOST_FD";
inline constexpr char kAppOriginEnv[] = "DSOCK_APP_ORIGIN";
inline constexpr char kAppPermissionsEnv[] = "DSOCK_APP_PERMISSIONS";
inline constexpr int kRendererServiceFd = 3;
inline constexpr int kRendererHostFd = 4;
inline constexpr int kRendererDatagramPipeFd = 5;
// The text of a message on the renderer's host channel that carries a new
// channel to a restarted network service (and its datagram pipe).
inline constexpr char kNewServiceChannelTag[] = "network-service";
// A program run without a host: the service's listening socket.
inline constexpr char kServiceSocketEnv[] = "DSOCK_NETWORK_SERVICE_SOCKET";

// The environment entries above that name a channel or an app: a host
// removes them from what it inherited before it adds its own.
std::vector<std::string> RendererEnvNames();

// The grant that travels with a renderer channel on the service's control
// socket: which app the channel speaks for, and what its manifest grants.
struct AppGrant {
  std::string origin;
  std::set<std::string> features;
};
// "ORIGIN\nFEATURE,FEATURE" (features sorted).
std::string EncodeGrant(const AppGrant& grant);
// INVALID_ARGUMENT, naming the problem, unless the origin is an isolated
// app's and every feature is one a manifest may name
// (common/local_network_access.h).
absl::StatusOr<AppGrant> DecodeGrant(absl::string_view text);

// The comma-separated features of $DSOCK_APP_PERMISSIONS (as the grant's
// second line).
std::set<std::string> ParseFeatureList(absl::string_view list);
std::string FeatureList(const std::set<std::string>& features);

}  // namespace common

#endif  // COMMON_HOST_CONTRACT_H_
