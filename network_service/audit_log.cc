#include "network_service/audit_log.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace network_service {
namespace {

absl::StatusOr<FILE*> OpenForAppending(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot open --audit-log ", path, ": ", std::strerror(errno)));
  }
  return file;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    const std::string& path) {
  if (path.empty())
    return std::unique_ptr<AuditLog>(new AuditLog(path, stderr));
  absl::StatusOr<FILE*> file = OpenForAppending(path);
  if (!file.ok())
    return file.status();
  return std::unique_ptr<AuditLog>(new AuditLog(path, *file));
}

AuditLog::AuditLog(std::string path, FILE* file)
    : path_(std::move(path)), file_(file) {}

AuditLog::~AuditLog() {
  if (file_ != stderr)
    std::fclose(file_);
}

std::string AuditLog::TimeText(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone());
}

void AuditLog::Write(nlohmann::json line) {
  line["time"] = TimeText(absl::Now());
  // Text from a policy file or a renderer may not be UTF-8: replaced, never
  // thrown on (a throw here would end the service).
  std::fprintf(
      file_, "%s\n",
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          .c_str());
  std::fflush(file_);
}

absl::Status AuditLog::Reopen() {
  if (file_ == stderr)
    return absl::OkStatus();
  absl::StatusOr<FILE*> file = OpenForAppending(path_);
  if (!file.ok())
    return file.status();
  std::fclose(file_);
  file_ = *file;
  Write({{"event", "reopened"}, {"path", path_}});
  return absl::OkStatus();
}

}  // namespace network_service
