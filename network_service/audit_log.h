#ifndef NETWORK_SERVICE_AUDIT_LOG_H_
#define NETWORK_SERVICE_AUDIT_LOG_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace network_service {

// The admin's audit log: one JSON object a line, each stamped with its
// "time" and naming its "event" (docs/admin.md lists the events and their
// fields). To a file, opened for appending and opened again by Reopen()
// (the service calls it on SIGHUP, so that logrotate can move the file
// away), or to stderr.
// Owned by NetworkService; loop thread.
class AuditLog {
 public:
  // `path` empty: stderr.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      const std::string& path);
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  ~AuditLog();

  // How the log, and the admin's view, write a time: RFC 3339 in UTC.
  static std::string TimeText(absl::Time time);

  // Appends `line` with its "time"; text that is not UTF-8 is replaced.
  void Write(nlohmann::json line);
  // Opens the file's path again (a rotation moved the old file); the old
  // file stays in use when the new one cannot be opened.
  absl::Status Reopen();

  const std::string& path() const { return path_; }
  // A file of its own (not stderr, where only refusals go: a `dsock run`'s
  // console should not fill with the service's bookkeeping).
  bool to_file() const { return file_ != stderr; }

 private:
  AuditLog(std::string path, FILE* file);

  const std::string path_;
  FILE* file_;  // Owned unless stderr.
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_AUDIT_LOG_H_
