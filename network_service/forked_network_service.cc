#include "network_service/forked_network_service.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "common/child_process.h"
#include "common/logging.h"

namespace network_service {

absl::StatusOr<std::unique_ptr<ForkedNetworkService>>
ForkedNetworkService::Start(const NetworkService::Options& options) {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0)
    return absl::InternalError("pipe failed");
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(ready[0]);
    close(ready[1]);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(1);                     // The parent is already gone.
    dup2(ready[1], STDOUT_FILENO);  // The ready line goes to the parent.
    common::InitLogging("network_service", 0);
    absl::StatusOr<std::unique_ptr<NetworkService>> service =
        NetworkService::Start(options);
    if (!service.ok()) {
      std::fprintf(stderr, "network_service: %s\n",
                   std::string(service.status().message()).c_str());
      _exit(2);
    }
    (*service)->Run();
    service->reset();
    _exit(0);
  }
  close(ready[1]);
  std::unique_ptr<ForkedNetworkService> child(new ForkedNetworkService(pid));
  std::string seen;
  absl::Status started = common::ReadUntilAny(
      ready[0], {"network_service: listening on", "network_service: serving"},
      absl::Seconds(15), &seen);
  close(ready[0]);
  if (!started.ok()) {
    // The destructor ends and reaps the child.
    return absl::IsDeadlineExceeded(started)
               ? absl::DeadlineExceededError(
                     "the network service did not start")
               : absl::UnavailableError("the network service exited at start");
  }
  return child;
}

ForkedNetworkService::~ForkedNetworkService() {
  if (!common::SignalAndAwaitExit(pid_, SIGTERM, absl::Seconds(5)))
    kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

}  // namespace network_service
