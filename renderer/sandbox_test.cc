// The renderer sandbox, tried from the inside as hostile code in a renderer
// would try it: a child process enters the sandbox and reports what each
// attempt got. (A JS page cannot even start these attempts: its realm
// leads nowhere out, tests/js/node_powers/; this is the layer below.)
// Runs as root, as a host's renderers start.
#include "renderer/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace renderer {
namespace {

// What an attempt got: "ok" or the errno's name.
std::string Outcome(int result) {
  if (result >= 0)
    return "ok";
  switch (errno) {
    case EPERM:
      return "EPERM";
    case EACCES:
      return "EACCES";
    default:
      return std::strerror(errno);
  }
}

bool KernelHasLandlock() {
  return syscall(SYS_landlock_create_ruleset, nullptr, 0,
                 1 /* LANDLOCK_CREATE_RULESET_VERSION */) >= 1;
}

// Forks a child that enters the sandbox (its own directory readable, as a
// renderer's app directory is) and tries each escape; returns
// attempt -> outcome, as the child wrote them to a pipe.
std::map<std::string, std::string> TryFromInsideTheSandbox() {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::ostringstream report;
    absl::Status entered = EnterRendererSandbox({"/proc/self"});
    report << "sandbox " << (entered.ok() ? "ok" : "failed") << "\n";
    report << "socket_inet "
           << Outcome(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) << "\n";
    report << "socket_unix "
           << Outcome(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) << "\n";
    report << "read_etc_hostname "
           << Outcome(open("/etc/hostname", O_RDONLY | O_CLOEXEC)) << "\n";
    report << "create_tmp_file "
           << Outcome(open("/tmp/dsock-sandbox-escape",
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))
           << "\n";
    report << "signal_parent " << Outcome(kill(parent, 0)) << "\n";
    std::string capabilities = "unknown";
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("CapEff:", 0) == 0)
        capabilities = line.substr(line.find_first_not_of(" \t", 7));
    }
    report << "capabilities " << capabilities << "\n";
    const std::string text = report.str();
    (void)!write(fds[1], text.data(), text.size());
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;)
    text.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  std::map<std::string, std::string> outcomes;
  std::istringstream lines(text);
  for (std::string attempt, outcome; lines >> attempt >> outcome;)
    outcomes[attempt] = outcome;
  return outcomes;
}

TEST(RendererSandboxTest, HostileCodeInsideGetsNothing) {
  std::map<std::string, std::string> got = TryFromInsideTheSandbox();
  EXPECT_EQ(got["sandbox"], "ok");
  // seccomp: no socket of any family, no signal outside the renderer.
  EXPECT_EQ(got["socket_inet"], "EPERM");
  EXPECT_EQ(got["socket_unix"], "EPERM");
  EXPECT_EQ(got["signal_parent"], "EPERM");
  // Every capability dropped, also for a renderer of a root host.
  EXPECT_EQ(got["capabilities"], "0000000000000000");
  if (!KernelHasLandlock()) {
    GTEST_SKIP() << "this kernel has no Landlock: files are not checked";
  }
  // Landlock: no machine secrets read, no file written.
  EXPECT_EQ(got["read_etc_hostname"], "EACCES");
  EXPECT_EQ(got["create_tmp_file"], "EACCES");
}

}  // namespace
}  // namespace renderer
