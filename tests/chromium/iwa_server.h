#ifndef TESTS_CHROMIUM_IWA_SERVER_H_
#define TESTS_CHROMIUM_IWA_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace tests {

// Serves one directory of JS modules as an Isolated Web App that Chromium
// installs in dev-proxy mode: "/" links the manifest, the manifest names
// the app and grants its permissions-policy features to itself, "/icon.png"
// is a 144x144 icon (Chromium refuses smaller), and every file of the
// directory is served (*.mjs and *.js as JavaScript). Every answer carries the
// headers an IWA needs (COOP same-origin, COEP require-corp, CORP same-origin).
// HTTP/1.1 on 127.0.0.1, one connection at a time, each closed after its
// answer, on a thread of its own. Owned by the test; stops when destroyed.
class IwaServer {
 public:
  static absl::StatusOr<std::unique_ptr<IwaServer>> Start(
      const std::string& directory,
      const std::set<std::string>& features);
  IwaServer(const IwaServer&) = delete;
  IwaServer& operator=(const IwaServer&) = delete;
  ~IwaServer();

  uint16_t port() const { return port_; }

 private:
  IwaServer(std::string directory, std::string manifest, int listener);
  void Serve();
  void Answer(int connection);

  const std::string directory_;
  const std::string manifest_;
  const std::string icon_;
  const int listener_;
  int stop_[2] = {-1, -1};  // A pipe whose write end wakes Serve() to stop.
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace tests

#endif  // TESTS_CHROMIUM_IWA_SERVER_H_
