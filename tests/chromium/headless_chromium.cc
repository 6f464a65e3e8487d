#include "tests/chromium/headless_chromium.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/child_process.h"

namespace tests {

absl::StatusOr<std::unique_ptr<HeadlessChromium>> HeadlessChromium::Start(
    const std::string& chromium,
    const std::vector<std::string>& extra_flags,
    CdpPipe::EventHandler on_event) {
  std::unique_ptr<HeadlessChromium> browser(new HeadlessChromium());
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/dsock-chromium.XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr)
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  browser->profile_ = pattern;
  int commands[2], answers[2];
  if (pipe2(commands, O_CLOEXEC) != 0 || pipe2(answers, O_CLOEXEC) != 0)
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  std::vector<std::string> flags = {chromium,
                                    "--headless=new",
                                    "--no-sandbox",
                                    "--remote-debugging-pipe",
                                    "--user-data-dir=" + browser->profile_,
                                    "--no-first-run",
                                    "--disable-gpu",
                                    "--disable-dev-shm-usage"};
  flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
  std::vector<char*> argv;
  for (std::string& flag : flags)
    argv.push_back(flag.data());
  argv.push_back(nullptr);
  const std::string log = browser->log_path();
  browser->pid_ = fork();
  if (browser->pid_ == 0) {
    setpgid(0, 0);
    // The browser reads commands on fd 3 and writes answers on fd 4.
    dup2(commands[0], 3);
    dup2(answers[1], 4);
    const int log_fd =
        open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    dup2(log_fd, STDERR_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    // Installing a web app writes .desktop files and icons under $HOME.
    for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
                             "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"}) {
      setenv(name, (browser->profile_ + "/" + name).c_str(), 1);
    }
    execv(chromium.c_str(), argv.data());
    _exit(127);
  }
  close(commands[0]);
  close(answers[1]);
  if (browser->pid_ < 0) {
    close(commands[1]);
    close(answers[0]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  browser->cdp_ =
      std::make_unique<CdpPipe>(commands[1], answers[0], std::move(on_event));
  return browser;
}

HeadlessChromium::~HeadlessChromium() {
  if (pid_ > 0) {
    if (cdp_ != nullptr) {
      (void)cdp_->Call("Browser.close", nlohmann::json::object(), "",
                       absl::Seconds(5));
    }
    // Browser.close asked it to end: wait for that, bounded.
    if (!common::SignalAndAwaitExit(pid_, 0, absl::Seconds(5)))
      kill(-pid_, SIGKILL);
    kill(-pid_, SIGKILL);  // What the browser left in its group.
    waitpid(pid_, nullptr, 0);
  }
  cdp_.reset();
  if (!profile_.empty())
    std::filesystem::remove_all(profile_);
}

}  // namespace tests
