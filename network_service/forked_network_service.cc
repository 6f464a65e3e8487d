#include "network_service/forked_network_service.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"

namespace network_service {

namespace {

// Reads `fd` until a line names the service ready, within `timeout`.
absl::Status AwaitReadyLine(int fd, absl::Duration timeout) {
  std::string seen;
  const absl::Time deadline = absl::Now() + timeout;
  while (!absl::StrContains(seen, "network_service: listening on") &&
         !absl::StrContains(seen, "network_service: serving")) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd ready{fd, POLLIN, 0};
    const int polled = left <= 0 ? 0 : poll(&ready, 1, static_cast<int>(left));
    if (polled < 0 && errno == EINTR)
      continue;
    if (polled <= 0)
      return absl::DeadlineExceededError("the network service did not start");
    char buffer[256];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0)
      return absl::UnavailableError("the network service exited at start");
    seen.append(buffer, static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

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
  absl::Status started = AwaitReadyLine(ready[0], absl::Seconds(15));
  close(ready[0]);
  if (!started.ok())
    return started;  // The destructor ends and reaps the child.
  return child;
}

ForkedNetworkService::~ForkedNetworkService() {
  // A pidfd becomes readable when the child exits: wait on that, bounded.
  const int exited = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  kill(pid_, SIGTERM);
  pollfd done{exited, POLLIN, 0};
  if (exited < 0 || poll(&done, 1, 5000) != 1)
    kill(pid_, SIGKILL);
  if (exited >= 0)
    close(exited);
  waitpid(pid_, nullptr, 0);
}

}  // namespace network_service
