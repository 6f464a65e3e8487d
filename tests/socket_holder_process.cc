#include "tests/socket_holder_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/network_service_process.h"

namespace tests {

SocketHolderProcess::~SocketHolderProcess() {
  Kill();
}

std::vector<uint16_t> SocketHolderProcess::Start(
    const std::string& socket_path,
    int count,
    const std::optional<std::string>& group,
    std::string* output) {
  int out[2];
  if (pipe(out) != 0)
    return {};
  const std::string binary = RunfilePath("tests/socket_holder");
  const std::string count_text = std::to_string(count);
  pid_ = fork();
  if (pid_ < 0)
    return {};
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    execl(binary.c_str(), binary.c_str(), socket_path.c_str(),
          count_text.c_str(), group ? group->c_str() : nullptr, nullptr);
    _exit(127);
  }
  close(out[1]);
  std::vector<uint16_t> ports;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (static_cast<int>(ports.size()) < count) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd pfd{out[0], POLLIN, 0};
    if (left <= 0)
      break;
    const int ready = poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      break;
    char buffer[256];
    const ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n <= 0)
      break;
    output->append(buffer, static_cast<size_t>(n));
    ports.clear();
    for (absl::string_view line : absl::StrSplit(*output, '\n')) {
      uint32_t port;
      if (absl::ConsumePrefix(&line, "port ") && absl::SimpleAtoi(line, &port))
        ports.push_back(static_cast<uint16_t>(port));
    }
  }
  close(out[0]);
  if (static_cast<int>(ports.size()) < count)
    return {};
  return ports;
}

void SocketHolderProcess::Kill() {
  if (pid_ <= 0)
    return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace tests
