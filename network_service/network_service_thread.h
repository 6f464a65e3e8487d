#ifndef NETWORK_SERVICE_NETWORK_SERVICE_THREAD_H_
#define NETWORK_SERVICE_NETWORK_SERVICE_THREAD_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "network_service/network_service.h"

namespace network_service {

// The network service on a thread of its own inside another program (a
// test, a benchmark, an embedder): NetworkService::Start and Run on that
// thread, with its own loop; the program talks to it over `socket_path` as
// any renderer would. Destroying it shuts the service down (every socket
// closed, every stream ended) and joins the thread. Owned by the embedder;
// its methods from the embedder's thread.
class NetworkServiceThread {
 public:
  // Starts the service with `options` (signals stay the embedder's) and
  // returns once it serves, or with Start()'s error.
  static absl::StatusOr<std::unique_ptr<NetworkServiceThread>> Start(
      NetworkService::Options options);
  NetworkServiceThread(const NetworkServiceThread&) = delete;
  NetworkServiceThread& operator=(const NetworkServiceThread&) = delete;
  ~NetworkServiceThread();

 private:
  NetworkServiceThread() = default;

  std::thread thread_;
  NetworkService* service_ = nullptr;  // Owned by thread_, while it runs.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_NETWORK_SERVICE_THREAD_H_
