#include "network_service/network_service_thread.h"

#include <utility>

#include "absl/synchronization/notification.h"

namespace network_service {

absl::StatusOr<std::unique_ptr<NetworkServiceThread>>
NetworkServiceThread::Start(NetworkService::Options options) {
  options.handle_signals = false;
  std::unique_ptr<NetworkServiceThread> running(new NetworkServiceThread);
  absl::Notification started;
  absl::Status status;
  running->thread_ =
      std::thread([&started, &status, options, service = &running->service_] {
        absl::StatusOr<std::unique_ptr<NetworkService>> made =
            NetworkService::Start(options);
        if (!made.ok()) {
          status = made.status();
          started.Notify();
          return;
        }
        *service = made->get();
        started.Notify();
        (*made)->Run();
      });
  started.WaitForNotification();
  if (!status.ok()) {
    running->thread_.join();
    return status;
  }
  return running;
}

NetworkServiceThread::~NetworkServiceThread() {
  if (service_ != nullptr)
    service_->Quit();
  if (thread_.joinable())
    thread_.join();
}

}  // namespace network_service
