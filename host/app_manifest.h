#ifndef HOST_APP_MANIFEST_H_
#define HOST_APP_MANIFEST_H_

#include <string>
#include <vector>

#include "common/local_network_access.h"

#include "absl/status/statusor.h"

namespace host {

// The host's list of isolated apps, read from a JSON file:
//
//   {"apps": [{"origin": "isolated-app://<id>",
//              "command": ["path/to/renderer/program", "arg", ...],
//              "permissions": ["direct-sockets", ...]}]}
//
// `permissions` are the app's permissions-policy features for Direct
// Sockets and Local Network Access: "direct-sockets",
// "direct-sockets-multicast", "local-network" (bound sockets, private
// addresses), "loopback-network" (loopback addresses), or the older
// "direct-sockets-private" for both of the last two
// (common/local_network_access.h). Without the key, the app has the first
// four.
//
// A relative program path is resolved against the manifest's directory.
// A value type; any thread.
struct AppManifest {
  struct App {
    std::string origin;
    std::vector<std::string> command;
    std::vector<std::string> permissions = AllPermissions();
  };
  static std::vector<std::string> AllPermissions() {
    return common::AllFeatures();
  }
  std::vector<App> apps;
};

// Reads and checks a manifest. Every error names the file, the key path
// (e.g. apps[1].origin) and what was expected.
absl::StatusOr<AppManifest> LoadAppManifest(const std::string& path);
// The same for text already read; `name` is used in errors and `base_dir`
// to resolve relative programs.
absl::StatusOr<AppManifest> ParseAppManifest(const std::string& text,
                                             const std::string& name,
                                             const std::string& base_dir);

}  // namespace host

#endif  // HOST_APP_MANIFEST_H_
