#include "network_service/private_socket_path.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace network_service {

namespace {

// Makes `dir` exist and be private to this user; an error says what is
// wrong and how to fix it.
absl::Status PreparePrivateDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is not a directory"));
  }
  if (info.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " belongs to uid ", info.st_uid, ", not to this user"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is open to other users (mode ",
                     absl::StrFormat("%o", info.st_mode & 0777),
                     "); run chmod 700 on it or pick another directory"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PreparePrivateSocketPath(const std::string& path,
                                      const std::string& flag) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " must be an absolute path"));
  }
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " is ", path.size(),
                     " bytes long; Unix socket paths must be under 108"));
  }
  absl::Status dir = PreparePrivateDirectory(path.substr(0, path.rfind('/')));
  if (!dir.ok())
    return dir;
  struct stat info;
  if (lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " exists and is not a socket"));
    }
    unlink(path.c_str());  // Left by a service that did not shut down.
  }
  return absl::OkStatus();
}

}  // namespace network_service
