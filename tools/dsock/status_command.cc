#include "tools/dsock/status_command.h"

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "tools/dsock/command_status.h"
#include "tools/dsock/status_table.h"

namespace dsock {

namespace admin = ::direct_sockets::admin::v1;

int Status(const StatusOptions& options) {
  const std::string command = "status";
  if (options.interval_ms < 100)
    return UsageError(command, "--interval-ms must be 100 or more");
  if (options.count < 0)
    return UsageError(command, "--count must be 0 or more");
  const int count = options.count > 0 ? options.count : options.watch ? -1 : 1;
  const bool terminal = isatty(STDOUT_FILENO);
  std::optional<admin::ServiceState> previous;
  for (int printed = 0; count < 0 || printed < count; ++printed) {
    if (printed > 0)
      absl::SleepFor(absl::Milliseconds(options.interval_ms));
    absl::StatusOr<admin::ServiceState> state =
        FetchState(options.admin_socket);
    if (!state.ok())
      return Fail(command, std::string(state.status().message()));
    if (options.json) {
      std::printf("%s\n", StateJson(*state).c_str());
    } else {
      // A watching terminal shows the latest snapshot in place.
      if (options.watch && terminal)
        std::printf("\033[H\033[2J");
      else if (printed > 0)
        std::printf("\n");
      std::printf("%s",
                  StatusTable(*state, previous ? &*previous : nullptr).c_str());
    }
    std::fflush(stdout);
    previous = std::move(*state);
  }
  return kOk;
}

}  // namespace dsock
