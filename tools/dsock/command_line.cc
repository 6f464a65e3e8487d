#include "tools/dsock/command_line.h"

#include <algorithm>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace dsock {

CommandLine::CommandLine(std::set<std::string> allowed, size_t max_positional)
    : allowed_(std::move(allowed)), max_positional_(max_positional) {}

absl::Status CommandLine::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      if (positional_.size() < max_positional_ && !arg.empty() &&
          !absl::StartsWith(arg, "-")) {
        positional_.push_back(arg);
        continue;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\""));
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      has_value = true;
    }
    name = absl::StrReplaceAll(name, {{"-", "_"}});
    if (allowed_.count(name) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown option --", absl::StrReplaceAll(name, {{"_", "-"}})));
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      return absl::InternalError(absl::StrCat("no flag named ", name));
    }
    const bool is_bool = flag->IsOfType<bool>();
    if (!has_value) {
      if (is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("--", args[i].substr(2), " needs a value"));
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", absl::StrReplaceAll(name, {{"_", "-"}}), "=",
                       value, ": ", error));
    }
    given_.insert(name);
  }
  return absl::OkStatus();
}

bool CommandLine::Given(const std::string& name) const {
  return given_.count(name) > 0;
}

std::string CommandLine::FlagHelp() const {
  std::string text;
  for (const std::string& name : allowed_) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr)
      continue;
    absl::StrAppend(&text, "  --", absl::StrReplaceAll(name, {{"_", "-"}}),
                    "\n      ", flag->Help());
    if (!flag->IsOfType<bool>() || flag->DefaultValue() == "true") {
      if (!flag->DefaultValue().empty())
        absl::StrAppend(&text, " (default: ", flag->DefaultValue(), ")");
    }
    absl::StrAppend(&text, "\n");
  }
  return text;
}

}  // namespace dsock
