#include "tests/network_service_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/child_process.h"

namespace tests {

std::string RunfilePath(const std::string& workspace_relative) {
  // bazel test runs in the runfiles tree; bazel run or a plain binary may
  // not, so also try next to TEST_SRCDIR.
  if (access(workspace_relative.c_str(), X_OK) == 0)
    return workspace_relative;
  if (const char* srcdir = std::getenv("TEST_SRCDIR")) {
    std::string path =
        absl::StrCat(srcdir, "/direct_sockets_multicast/", workspace_relative);
    if (access(path.c_str(), X_OK) == 0)
      return path;
  }
  return workspace_relative;
}

NetworkServiceProcess::NetworkServiceProcess() {
  char pattern[] = "/tmp/dsock-test.XXXXXX";
  if (mkdtemp(pattern) != nullptr)
    directory_ = pattern;
  socket_path_ = directory_ + "/run/network.sock";
}

NetworkServiceProcess::~NetworkServiceProcess() {
  Kill();
  if (!directory_.empty()) {
    unlink(socket_path_.c_str());
    rmdir((directory_ + "/run").c_str());
    rmdir(directory_.c_str());
  }
}

absl::Status NetworkServiceProcess::Start(const std::string& policy_dir) {
  if (directory_.empty())
    return absl::InternalError("mkdtemp failed");
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return absl::InternalError("pipe failed");
  const std::string binary = RunfilePath("network_service/network_service");
  const std::string flag = "--socket-path=" + socket_path_;
  const std::string policy_flag = policy_dir.empty()
                                      ? "--unsafe-development-mode"
                                      : "--policy-dir=" + policy_dir;
  pid_ = fork();
  if (pid_ < 0)
    return absl::InternalError("fork failed");
  if (pid_ == 0) {
    // A test that crashes must not leave its service behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    execl(binary.c_str(), binary.c_str(), flag.c_str(), policy_flag.c_str(),
          nullptr);
    std::perror("execl network_service");
    _exit(127);
  }
  close(out[1]);
  // Wait for the ready line, bounded.
  std::string seen;
  const absl::Status ready =
      common::ReadUntilAny(out[0], {"listening on"}, absl::Seconds(15), &seen);
  close(out[0]);
  if (absl::IsDeadlineExceeded(ready)) {
    return absl::DeadlineExceededError(
        absl::StrCat("network_service did not start; it printed: ", seen));
  }
  if (!ready.ok()) {
    return absl::InternalError(
        absl::StrCat("network_service exited early; it printed: ", seen));
  }
  return absl::OkStatus();
}

void NetworkServiceProcess::Kill() {
  if (pid_ <= 0)
    return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

absl::StatusOr<int> NetworkServiceProcess::Terminate(absl::Duration timeout) {
  if (pid_ <= 0)
    return absl::FailedPreconditionError("not running");
  if (!common::SignalAndAwaitExit(pid_, SIGTERM, timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("network_service did not exit within ",
                     absl::FormatDuration(timeout), " of SIGTERM"));
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

int NetworkServiceProcess::OpenFdCount() const {
  return OpenFdCountOf(pid_);
}

int OpenFdCountOf(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr)
    return -1;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.')
      ++count;
  }
  closedir(dir);
  return count;
}

int64_t NetworkServiceProcess::ResidentKb() const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      return std::strtoll(line.c_str() + 6, nullptr, 10);
    }
  }
  return -1;
}

NetworkServiceProcess::UDPSocketState NetworkServiceProcess::UDPSocketsOnPort(
    uint16_t port) const {
  return UDPSocketsOfProcessOnPort(pid_, port);
}

namespace {

// The socket inodes among the open descriptors of `pid`.
std::set<std::string> SocketInodesOf(pid_t pid) {
  std::set<std::string> inodes;
  const std::string fd_dir = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = opendir(fd_dir.c_str());
  while (dir != nullptr) {
    dirent* entry = readdir(dir);
    if (entry == nullptr)
      break;
    char target[64] = {};
    const std::string link = fd_dir + "/" + entry->d_name;
    if (readlink(link.c_str(), target, sizeof(target) - 1) > 0) {
      absl::string_view text = target;
      if (absl::ConsumePrefix(&text, "socket:[") &&
          absl::ConsumeSuffix(&text, "]")) {
        inodes.insert(std::string(text));
      }
    }
  }
  if (dir != nullptr)
    closedir(dir);
  return inodes;
}

}  // namespace

int ListeningUnixSocketsOf(pid_t pid) {
  const std::set<std::string> inodes = SocketInodesOf(pid);
  std::ifstream file(absl::StrCat("/proc/", pid, "/net/unix"));
  std::string line;
  std::getline(file, line);  // Header.
  int listening = 0;
  while (std::getline(file, line)) {
    // "Num RefCount Protocol Flags Type St Inode [Path]"; Flags 00010000
    // is __SO_ACCEPTCON: a listening socket.
    std::vector<std::string> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() >= 7 && fields[3] == "00010000" &&
        inodes.count(fields[6]) > 0) {
      ++listening;
    }
  }
  return listening;
}

NetworkServiceProcess::UDPSocketState UDPSocketsOfProcessOnPort(pid_t pid,
                                                                uint16_t port) {
  NetworkServiceProcess::UDPSocketState state;
  const std::set<std::string> inodes = SocketInodesOf(pid);
  char hex_port[8];
  std::snprintf(hex_port, sizeof(hex_port), "%04X", port);
  for (const char* table : {"udp", "udp6"}) {
    std::ifstream file(absl::StrCat("/proc/", pid, "/net/", table));
    std::string line;
    std::getline(file, line);  // Header.
    while (std::getline(file, line)) {
      std::vector<std::string> fields =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (fields.size() < 13)
        continue;
      // fields[1] is local "ADDR:PORT"; the last field is drops.
      const std::string& local = fields[1];
      if (local.substr(local.find(':') + 1) != hex_port)
        continue;
      // Only this process's sockets: the namespace's table lists every
      // process's, so match by inode.
      const bool ours = inodes.count(fields[9]) > 0;
      if (!ours)
        continue;
      ++state.count;
      state.drops += std::strtoll(fields.back().c_str(), nullptr, 10);
    }
  }
  return state;
}

}  // namespace tests
