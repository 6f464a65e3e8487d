// The host (host/host.h, used here as an embedder would) with the real
// network service and renderer processes: identity bound by the host,
// per-app caps, no way in without the host, and cleanup when a process dies.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "tests/network_service_process.h"
#include "tests/udp_peer.h"

namespace tests {
namespace {

constexpr char kAppA[] = "isolated-app://aaaa1111";
constexpr char kAppB[] = "isolated-app://bbbb2222";

// A renderer's stdout, read on the test thread.
class Output {
 public:
  Output() {
    int fds[2];
    pipe2(fds, O_CLOEXEC);
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
  ~Output() {
    close(read_fd_);
    if (write_fd_ >= 0)
      close(write_fd_);
  }
  int write_fd() const { return write_fd_; }
  // After the child has its copy: only the child holds the write end.
  void CloseWriteEnd() {
    close(write_fd_);
    write_fd_ = -1;
  }
  // Reads until `words` shows or `bound` passes (or EOF).
  bool WaitFor(const std::string& words, absl::Duration bound) {
    ReadUntil(words, bound);
    return text_.find(words) != std::string::npos;
  }
  void ReadUntil(const std::string& words, absl::Duration bound) {
    const absl::Time deadline = absl::Now() + bound;
    while (text_.find(words) == std::string::npos) {
      const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
      pollfd pfd{read_fd_, POLLIN, 0};
      if (left <= 0)
        return;
      const int ready = poll(&pfd, 1, static_cast<int>(left));
      if (ready < 0 && errno == EINTR)
        continue;  // A child's SIGCHLD, say.
      if (ready <= 0)
        return;
      char buffer[512];
      const ssize_t n = read(read_fd_, buffer, sizeof(buffer));
      if (n <= 0)
        return;
      text_.append(buffer, static_cast<size_t>(n));
    }
  }
  const std::string& text() const { return text_; }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::string text_;
};

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::Host::Options options{RunfilePath("network_service/network_service")};
    // Identity and processes are under test here, not the policy.
    options.unsafe_development_mode = true;
    host_ = std::make_unique<host::Host>(&loop_, options);
    ASSERT_TRUE(host_
                    ->StartNetworkService([this](pid_t, host::Host::Exit) {
                      service_ended_ = true;
                    })
                    .ok());
    service_pid_ = host_->network_service_pid();
  }

  // Starts app_probe MODE as `origin`'s renderer; records its exit.
  pid_t StartProbe(const std::string& origin,
                   const std::string& mode,
                   Output* output,
                   std::vector<std::string> permissions =
                       host::AppManifest::AllPermissions()) {
    host::AppManifest::App app{
        origin, {RunfilePath("tests/app_probe")}, std::move(permissions)};
    for (absl::string_view arg : absl::StrSplit(mode, ' '))
      app.command.emplace_back(arg);
    auto pid = host_->StartRenderer(
        app, [this](pid_t pid, host::Host::Exit exit) { exits_[pid] = exit; },
        output->write_fd());
    output->CloseWriteEnd();
    EXPECT_TRUE(pid.ok()) << pid.status();
    return pid.ok() ? *pid : -1;
  }

  bool WaitForExit(pid_t pid, absl::Duration bound = absl::Seconds(20)) {
    return loop_.RunUntil([&] { return exits_.count(pid) > 0; }, bound);
  }

  common::EventLoop loop_;
  std::unique_ptr<host::Host> host_;
  pid_t service_pid_ = -1;
  bool service_ended_ = false;
  std::map<pid_t, host::Host::Exit> exits_;
};

TEST_F(HostTest, EachRendererSpeaksForTheAppTheHostBoundItTo) {
  Output a, b;
  const pid_t pid_a = StartProbe(kAppA, "limits", &a);
  const pid_t pid_b = StartProbe(kAppB, "limits", &b);
  ASSERT_TRUE(WaitForExit(pid_a));
  ASSERT_TRUE(WaitForExit(pid_b));
  ASSERT_TRUE(a.WaitFor("\n", absl::Seconds(1)));
  ASSERT_TRUE(b.WaitFor("\n", absl::Seconds(1)));
  // Each app has its own cap, and the refusal names the app the host bound.
  EXPECT_NE(a.text().find(absl::StrCat("opened 64; then NetworkError: ", kAppA,
                                       " already has 64 sockets open")),
            std::string::npos)
      << a.text();
  EXPECT_NE(b.text().find(absl::StrCat("opened 64; then NetworkError: ", kAppB,
                                       " already has 64 sockets open")),
            std::string::npos)
      << b.text();
}

TEST_F(HostTest, ARendererThatClaimsAnotherOriginIsRefused) {
  Output out;
  const pid_t pid = StartProbe(kAppA, "lie", &out);
  ASSERT_TRUE(WaitForExit(pid));
  ASSERT_TRUE(out.WaitFor("\n", absl::Seconds(1)));
  EXPECT_NE(out.text().find("lie: refused 3 "), std::string::npos)
      << out.text();
  EXPECT_NE(out.text().find("does not know"), std::string::npos) << out.text();
}

TEST_F(HostTest, TheManifestsPermissionsAreEnforcedOnBothSides) {
  Output plain;
  const pid_t only_sockets =
      StartProbe(kAppA, "perms", &plain, {"direct-sockets"});
  ASSERT_TRUE(WaitForExit(only_sockets));
  // The probe has exited: read through its last line (the pipe may hand
  // it over in pieces).
  ASSERT_TRUE(plain.WaitFor("(multicast options need it)", absl::Seconds(1)))
      << plain.text();
  EXPECT_NE(plain.text().find("multicast options: throws NotAllowedError: "
                              "Failed to construct 'UDPSocket': Cannot use "
                              "Multicast options if permission policy "
                              "'direct-sockets-multicast' is absent."),
            std::string::npos)
      << plain.text();
  // Local Network Access refusals are InvalidAccessError, as in Chrome 156.
  EXPECT_NE(plain.text().find("bound: rejects InvalidAccessError: Access to "
                              "local network is blocked."),
            std::string::npos)
      << plain.text();
  // Local Network Access, as Chrome 156: a connected socket to loopback
  // needs loopback-network (the service decides, after DNS).
  EXPECT_NE(plain.text().find("connected: rejects InvalidAccessError: "
                              "isolated-app://aaaa1111: the app's manifest "
                              "does not grant loopback-network"),
            std::string::npos)
      << plain.text();
  // A renderer that asks anyway is refused by the service.
  EXPECT_NE(plain.text().find("raw multicast open: refused 7 "
                              "isolated-app://aaaa1111: the app's manifest "
                              "does not grant direct-sockets-multicast"),
            std::string::npos)
      << plain.text();

  Output private_only;
  const pid_t no_multicast =
      StartProbe(kAppB, "perms", &private_only,
                 {"direct-sockets", "direct-sockets-private"});
  ASSERT_TRUE(WaitForExit(no_multicast));
  ASSERT_TRUE(private_only.WaitFor("raw multicast open: ", absl::Seconds(1)));
  EXPECT_NE(private_only.text().find("bound: opened, controller absent"),
            std::string::npos)
      << private_only.text();
}

TEST_F(HostTest, NothingButTheHostCanReachTheService) {
  // In host mode the service listens nowhere: every channel is a
  // socketpair the host made.
  EXPECT_EQ(ListeningUnixSocketsOf(service_pid_), 0);
  const std::string unix_table =
      absl::StrCat("/proc/", service_pid_, "/net/unix");
  EXPECT_EQ(access(unix_table.c_str(), R_OK), 0);
}

TEST_F(HostTest, AKilledRendererLosesItsSocketsInTheService) {
  Output out;
  const pid_t pid = StartProbe(kAppA, "wait", &out);
  ASSERT_TRUE(out.WaitFor("ready ", absl::Seconds(10)))
      << "[" << out.text() << "] exited: " << exits_.count(pid);
  const uint16_t port = static_cast<uint16_t>(
      std::stoi(out.text().substr(out.text().find("ready ") + 6)));
  EXPECT_EQ(UDPSocketsOfProcessOnPort(service_pid_, port).count, 1);
  kill(pid, SIGKILL);
  ASSERT_TRUE(WaitForExit(pid));
  EXPECT_TRUE(loop_.RunUntil(
      [&] { return UDPSocketsOfProcessOnPort(service_pid_, port).count == 0; },
      absl::Seconds(2), absl::Milliseconds(10)));
}

TEST_F(HostTest, AKilledServiceErrorsTheRenderersSockets) {
  Output out;
  const pid_t pid = StartProbe(kAppA, "wait", &out);
  ASSERT_TRUE(out.WaitFor("ready ", absl::Seconds(10)))
      << "[" << out.text() << "] exited: " << exits_.count(pid);
  kill(service_pid_, SIGKILL);
  ASSERT_TRUE(out.WaitFor("closed: ", absl::Seconds(5))) << out.text();
  EXPECT_NE(out.text().find("closed: NetworkError: lost the network service"),
            std::string::npos)
      << out.text();
  ASSERT_TRUE(WaitForExit(pid));
  EXPECT_EQ(exits_[pid].status, 0);
  EXPECT_TRUE(loop_.RunUntil([&] { return service_ended_; }, absl::Seconds(5)));
}

TEST_F(HostTest, ASandboxedRendererReachesTheNetworkOnlyThroughTheService) {
  UDPPeer peer("127.0.0.1");
  Output out;
  const pid_t pid =
      StartProbe(kAppA, "sandbox " + std::to_string(peer.port()), &out);
  ASSERT_TRUE(WaitForExit(pid));
  ASSERT_TRUE(out.WaitFor("UDPSocket write: ", absl::Seconds(1))) << out.text();
  for (const char* family :
       {"AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_UNIX"}) {
    EXPECT_NE(out.text().find(absl::StrCat("socket(", family,
                                           "): Operation not permitted")),
              std::string::npos)
        << out.text();
  }
  EXPECT_NE(out.text().find("UDPSocket write: sent"), std::string::npos)
      << out.text();
  EXPECT_EQ(exits_[pid].status, 0);
  auto got = peer.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, "from the sandbox");
}

TEST_F(HostTest, AKilledServiceIsRestartedAndNewSocketsWork) {
  UDPPeer peer("127.0.0.1");
  Output out;
  const pid_t pid =
      StartProbe(kAppA, "reconnect " + std::to_string(peer.port()), &out);
  ASSERT_TRUE(out.WaitFor("ready ", absl::Seconds(10))) << out.text();
  const pid_t first_service = service_pid_;
  kill(first_service, SIGKILL);
  // The loop must run for the host to see the death and restart.
  ASSERT_TRUE(loop_.RunUntil(
      [&] { return exits_.count(pid) > 0 || host_->service_restarts() > 0; },
      absl::Seconds(5)));
  ASSERT_TRUE(WaitForExit(pid));
  out.WaitFor("reopened: ", absl::Seconds(1));
  EXPECT_NE(out.text().find("closed: NetworkError: lost the network service"),
            std::string::npos)
      << out.text();
  EXPECT_NE(out.text().find("reopened: sent"), std::string::npos) << out.text();
  EXPECT_EQ(host_->service_restarts(), 1);
  EXPECT_NE(host_->network_service_pid(), first_service);
  EXPECT_GT(host_->network_service_pid(), 0);
  auto got = peer.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, "after restart");
}

// Waits (bounded) for a process that is not our child to exit.
bool WaitForProcessGone(pid_t pid, absl::Duration bound) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0)
    return errno == ESRCH;
  pollfd pfd{pidfd, POLLIN, 0};
  int ready;
  do {
    ready = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(bound)));
  } while (ready < 0 && errno == EINTR);
  close(pidfd);
  return ready == 1;
}

TEST_F(HostTest, WithoutTheirHostTheServiceAndRenderersExit) {
  Output out;
  const pid_t renderer = StartProbe(kAppA, "wait", &out);
  ASSERT_TRUE(out.WaitFor("ready ", absl::Seconds(10))) << out.text();
  host_.reset();  // Closes the control socket and the host channels.
  EXPECT_TRUE(WaitForProcessGone(service_pid_, absl::Seconds(5)))
      << "the service outlived its host";
  EXPECT_TRUE(WaitForProcessGone(renderer, absl::Seconds(5)))
      << "the renderer outlived its host";
  // The host no longer reaps them: do so here.
  waitpid(service_pid_, nullptr, 0);
  waitpid(renderer, nullptr, 0);
}

}  // namespace
}  // namespace tests
