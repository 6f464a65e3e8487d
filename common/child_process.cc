#include "common/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace common {

absl::Status ReadUntilAny(int fd,
                          const std::vector<std::string>& markers,
                          absl::Duration bound,
                          std::string* seen) {
  const absl::Time deadline = absl::Now() + bound;
  auto found = [&] {
    return std::any_of(markers.begin(), markers.end(),
                       [&](const std::string& marker) {
                         return absl::StrContains(*seen, marker);
                       });
  };
  while (!found()) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd readable{fd, POLLIN, 0};
    const int ready =
        left <= 0 ? 0 : poll(&readable, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR)
      continue;  // A signal, such as another child's SIGCHLD.
    if (ready <= 0)
      return absl::DeadlineExceededError("no ready line in time");
    char buffer[256];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0)
      return absl::UnavailableError("the child closed its output");
    seen->append(buffer, static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

bool SignalAndAwaitExit(pid_t pid, int signal, absl::Duration bound) {
  // A pidfd becomes readable when the process exits.
  const int exited = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (signal != 0)
    kill(pid, signal);
  pollfd done{exited, POLLIN, 0};
  const bool ok =
      exited >= 0 &&
      poll(&done, 1, static_cast<int>(absl::ToInt64Milliseconds(bound))) == 1;
  if (exited >= 0)
    close(exited);
  return ok;
}

}  // namespace common
