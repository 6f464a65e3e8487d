#ifndef COMMON_LOGGING_H_
#define COMMON_LOGGING_H_

#include <sstream>
#include <string>

// Diagnostics of every process, as Chromium's base/logging.h writes them
// (a small subset): one line each on stderr,
//   network_service: W 2026-12-01 15:57:45.123 policy_watcher.cc:83] text
// (program, level I/W/E/F or V1.., local time, source). Program output that
// scripts read (ready lines, results) is not logged: it goes to stdout.
//
//   LOG(INFO) << ...;  LOG(WARNING), LOG(ERROR); LOG(FATAL) aborts.
//   VLOG(1) << ...;    only when the verbosity (--v) is at least 1.
//   CHECK(invariant) << ...;  aborts with the text when false: for what no
//       input and no OS answer can cause (a bug), never for input.
//
// Any thread: each line is written whole.

namespace common {

enum class LogSeverity { kVerbose, kInfo, kWarning, kError, kFatal };

// Names the program in each line (default: the executable's name) and sets
// the verbosity VLOG compares against. Call once, early in main().
void InitLogging(const std::string& program, int verbosity);
bool VerbosityAtLeast(int level);

namespace log_severity {
inline constexpr LogSeverity INFO = LogSeverity::kInfo;
inline constexpr LogSeverity WARNING = LogSeverity::kWarning;
inline constexpr LogSeverity ERROR = LogSeverity::kError;
inline constexpr LogSeverity FATAL = LogSeverity::kFatal;
}  // namespace log_severity

namespace internal {

// One line: collects the text, writes it when destroyed (and aborts after a
// FATAL one).
class LogMessage {
 public:
  LogMessage(const char* file, int line, LogSeverity severity, int level = 0);
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  ~LogMessage();
  std::ostream& stream() { return text_; }

 private:
  const char* file_;
  int line_;
  LogSeverity severity_;
  int level_;
  std::ostringstream text_;
};

// Turns `stream << ...` into void, so the macros below are expressions.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace internal
}  // namespace common

#define LOG(severity)                                              \
  ::common::internal::LogMessage(__FILE__, __LINE__,               \
                                 ::common::log_severity::severity) \
      .stream()
#define VLOG(level)                                                         \
  !::common::VerbosityAtLeast(level)                                        \
      ? (void)0                                                             \
      : ::common::internal::Voidify() &                                     \
            ::common::internal::LogMessage(                                 \
                __FILE__, __LINE__, ::common::LogSeverity::kVerbose, level) \
                .stream()
#define CHECK(condition)                                                   \
  (condition) ? (void)0                                                    \
              : ::common::internal::Voidify() &                            \
                    ::common::internal::LogMessage(                        \
                        __FILE__, __LINE__, ::common::LogSeverity::kFatal) \
                            .stream()                                      \
                        << "Check failed: " #condition ". "

#endif  // COMMON_LOGGING_H_
