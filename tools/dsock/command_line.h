#ifndef TOOLS_DSOCK_COMMAND_LINE_H_
#define TOOLS_DSOCK_COMMAND_LINE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dsock {

// One subcommand's view of its arguments: `--name=value`, `--name value`,
// and `--flag` for booleans, with dashes or underscores in names
// (`--interval-ms` is the flag interval_ms). Values are parsed and stored by
// absl's flag registry (absl::FindCommandLineFlag), so types and defaults
// live in one ABSL_FLAG each; what this adds is a per-subcommand allow-list
// and errors as values, so a usage error exits 2 rather than abseil's 1.
// Main thread only.
class CommandLine {
 public:
  // `allowed`: flag names (underscored) this subcommand takes.
  // `max_positional`: how many plain arguments (not --flags) it takes.
  explicit CommandLine(std::set<std::string> allowed,
                       size_t max_positional = 0);

  // Parses `args` (after the subcommand); INVALID_ARGUMENT names the
  // argument and why. `help` is set by --help or -h.
  absl::Status Parse(const std::vector<std::string>& args);
  bool help() const { return help_; }
  // Whether --name was given.
  bool Given(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // One line per allowed flag: "  --name  help (default: x)".
  std::string FlagHelp() const;

 private:
  std::set<std::string> allowed_;
  std::set<std::string> given_;
  size_t max_positional_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

}  // namespace dsock

#endif  // TOOLS_DSOCK_COMMAND_LINE_H_
