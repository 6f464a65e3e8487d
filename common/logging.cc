#include "common/logging.h"

#include <errno.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace common {

namespace {

std::atomic<int> g_verbosity{0};
// Set once by InitLogging, before other threads log.
std::string* g_program = nullptr;

const std::string& Program() {
  if (g_program == nullptr)
    g_program = new std::string(program_invocation_short_name);
  return *g_program;
}

}  // namespace

void InitLogging(const std::string& program, int verbosity) {
  delete g_program;
  g_program = new std::string(program);
  g_verbosity.store(verbosity, std::memory_order_relaxed);
}

bool VerbosityAtLeast(int level) {
  return g_verbosity.load(std::memory_order_relaxed) >= level;
}

namespace internal {

LogMessage::LogMessage(const char* file,
                       int line,
                       LogSeverity severity,
                       int level)
    : file_(file), line_(line), severity_(severity), level_(level) {}

LogMessage::~LogMessage() {
  const char* base = std::strrchr(file_, '/');
  std::string level;
  switch (severity_) {
    case LogSeverity::kVerbose:
      level = absl::StrCat("V", level_);
      break;
    case LogSeverity::kInfo:
      level = "I";
      break;
    case LogSeverity::kWarning:
      level = "W";
      break;
    case LogSeverity::kError:
      level = "E";
      break;
    case LogSeverity::kFatal:
      level = "F";
      break;
  }
  std::string text = text_.str();
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  const std::string line = absl::StrCat(
      Program(), ": ", level, " ",
      absl::FormatTime("%Y-%m-%d %H:%M:%E3S", absl::Now(),
                       absl::LocalTimeZone()),
      " ", base != nullptr ? base + 1 : file_, ":", line_, "] ", text, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  if (severity_ == LogSeverity::kFatal) {
    std::fflush(stderr);
    std::abort();
  }
}

}  // namespace internal
}  // namespace common
