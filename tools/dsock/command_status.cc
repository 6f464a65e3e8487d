#include "tools/dsock/command_status.h"

#include <cstdio>

namespace dsock {

int UsageError(const std::string& command, const std::string& why) {
  std::fprintf(stderr, "dsock %s: %s (see dsock %s --help)\n", command.c_str(),
               why.c_str(), command.c_str());
  return kUsage;
}

int Fail(const std::string& command, const std::string& why) {
  std::fprintf(stderr, "dsock %s: %s\n", command.c_str(), why.c_str());
  return kFailed;
}

}  // namespace dsock
