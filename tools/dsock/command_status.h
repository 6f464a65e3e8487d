#ifndef TOOLS_DSOCK_COMMAND_STATUS_H_
#define TOOLS_DSOCK_COMMAND_STATUS_H_

#include <string>

namespace dsock {

// dsock's exit statuses: done, failed (or timed out), usage error.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kUsage = 2;

// Prints "dsock COMMAND: WHY (see dsock COMMAND --help)" and returns kUsage.
int UsageError(const std::string& command, const std::string& why);
// Prints "dsock COMMAND: WHY" and returns kFailed.
int Fail(const std::string& command, const std::string& why);

}  // namespace dsock

#endif  // TOOLS_DSOCK_COMMAND_STATUS_H_
