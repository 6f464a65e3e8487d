#ifndef COMMON_CHILD_PROCESS_H_
#define COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace common {

// Waiting on a child process without sleeping: for the programs that start
// one (the forked network service, test fixtures, the Chromium runner).
// Any thread.

// Reads `fd` (the read end of a child's stdout) until what was read contains
// one of `markers`, within `bound` in all. OK when it did; DEADLINE_EXCEEDED
// when time ran out; UNAVAILABLE when the child closed its end first.
// `*seen` holds what was read, whatever the outcome.
absl::Status ReadUntilAny(int fd,
                          const std::vector<std::string>& markers,
                          absl::Duration bound,
                          std::string* seen);

// Sends `signal` to the child `pid` (0: none, only wait) and waits up to
// `bound` for it to exit, on a pidfd. True when it exited; the caller still
// reaps it (waitpid).
bool SignalAndAwaitExit(pid_t pid, int signal, absl::Duration bound);

}  // namespace common

#endif  // COMMON_CHILD_PROCESS_H_
