// 20 renderers under one host open and close sockets and join and leave
// groups concurrently for a bounded time, in a private network namespace
// this test makes at start. Afterwards the service has no descriptor and
// the kernel no membership left over, and nothing crashed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "tests/kernel_multicast_state.h"
#include "tests/network_service_process.h"

namespace tests {
namespace {

constexpr int kRenderers = 20;
constexpr int kSeconds = 3;

int OpenFds(pid_t pid) {
  return OpenFdCountOf(pid);
}

TEST(HostStressTest, TwentyRenderersChurnWithoutLeaks) {
  common::EventLoop loop;
  host::Host::Options options{RunfilePath("network_service/network_service")};
  options.unsafe_development_mode = true;  // Processes under test, not policy.
  host::Host host(&loop, options);
  bool service_died = false;
  int ready_pipe[2];
  ASSERT_EQ(pipe2(ready_pipe, O_CLOEXEC), 0);
  ASSERT_TRUE(host.StartNetworkService(
                      [&](pid_t, host::Host::Exit) { service_died = true; },
                      ready_pipe[1])
                  .ok());
  close(ready_pipe[1]);
  const pid_t service = host.network_service_pid();
  // The service's own descriptors, once it says it is serving.
  std::string said;
  char ready_buffer[256];
  ssize_t n;
  while (said.find("serving host channels") == std::string::npos &&
         (n = read(ready_pipe[0], ready_buffer, sizeof(ready_buffer))) > 0) {
    said.append(ready_buffer, static_cast<size_t>(n));
  }
  ASSERT_NE(said.find("serving host channels"), std::string::npos) << said;
  const int fds_before = OpenFds(service);

  std::map<pid_t, host::Host::Exit> exits;
  std::map<pid_t, int> outputs;  // pid -> read end of its stdout pipe.
  for (int i = 0; i < kRenderers; ++i) {
    int pipe_fds[2];
    ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
    host::AppManifest::App app{absl::StrCat("isolated-app://stress", i),
                               {RunfilePath("tests/app_probe"), "churn",
                                std::to_string(kSeconds), std::to_string(i)}};
    auto pid = host.StartRenderer(
        app, [&](pid_t pid, host::Host::Exit exit) { exits[pid] = exit; },
        pipe_fds[1]);
    close(pipe_fds[1]);
    ASSERT_TRUE(pid.ok()) << pid.status();
    outputs[*pid] = pipe_fds[0];
  }
  ASSERT_TRUE(loop.RunUntil([&] { return exits.size() == kRenderers; },
                            absl::Seconds(kSeconds + 60)));
  int total = 0;
  for (const auto& [pid, fd] : outputs) {
    char buffer[256] = {};
    const ssize_t n = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    const std::string text(buffer, n > 0 ? static_cast<size_t>(n) : 0);
    EXPECT_EQ(exits[pid].status, 0) << text;
    EXPECT_EQ(exits[pid].signal, 0) << text;
    int cycles = 0;
    EXPECT_EQ(sscanf(text.c_str(), "churned %d", &cycles), 1) << text;
    total += cycles;
  }
  std::printf("%d renderers churned %d sockets in %d s\n", kRenderers, total,
              kSeconds);
  EXPECT_GT(total, kRenderers);
  EXPECT_FALSE(service_died);
  EXPECT_EQ(kill(service, 0), 0) << "the service crashed";

  // gRPC closes each dead renderer's channel; the sockets are long gone.
  EXPECT_TRUE(loop.RunUntil([&] { return OpenFds(service) == fds_before; },
                            absl::Seconds(5), absl::Milliseconds(20)))
      << "service descriptors: " << OpenFds(service) << ", before "
      << fds_before;
  close(ready_pipe[0]);
  for (int i = 0; i < kRenderers; ++i) {
    for (int k : {1, 2}) {
      const auto group =
          common::IpAddress::Parse(absl::StrCat("239.10.", i, ".", k));
      EXPECT_FALSE(KernelHasGroup(*group)) << KernelMulticastTables();
    }
  }
}

TEST(HostCrashTest, AKilledRendererLeavesNoMembershipInTheKernel) {
  common::EventLoop loop;
  host::Host::Options options{RunfilePath("network_service/network_service")};
  options.unsafe_development_mode = true;  // Processes under test, not policy.
  host::Host host(&loop, options);
  ASSERT_TRUE(host.StartNetworkService().ok());
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  std::map<pid_t, host::Host::Exit> exits;
  auto pid = host.StartRenderer(
      {"isolated-app://crashing",
       {RunfilePath("tests/app_probe"), "join", "239.20.0.1"}},
      [&](pid_t pid, host::Host::Exit exit) { exits[pid] = exit; }, out[1]);
  close(out[1]);
  ASSERT_TRUE(pid.ok());
  std::string said;
  char buffer[128];
  ssize_t n;
  while (said.find("joined ") == std::string::npos &&
         (n = read(out[0], buffer, sizeof(buffer))) > 0) {
    said.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  const auto group = *common::IpAddress::Parse("239.20.0.1");
  ASSERT_TRUE(KernelHasGroup(group)) << said << KernelMulticastTables();
  const pid_t service = host.network_service_pid();
  const int service_fds = OpenFds(service);
  kill(*pid, SIGKILL);
  ASSERT_TRUE(
      loop.RunUntil([&] { return exits.count(*pid) > 0; }, absl::Seconds(5)));
  EXPECT_EQ(exits[*pid].signal, SIGKILL);
  // The service sees the channel break and closes the socket: the kernel
  // drops the membership. No event reaches this process; check, bounded.
  EXPECT_TRUE(loop.RunUntil([&] { return !KernelHasGroup(group); },
                            absl::Seconds(2), absl::Milliseconds(10)))
      << KernelMulticastTables();
  // The socket and the dead renderer's channel are gone from the service.
  EXPECT_TRUE(loop.RunUntil([&] { return OpenFds(service) <= service_fds - 2; },
                            absl::Seconds(2), absl::Milliseconds(10)))
      << OpenFds(service) << " descriptors, " << service_fds << " before";
  EXPECT_EQ(kill(service, 0), 0);
}

}  // namespace
}  // namespace tests

int main(int argc, char** argv) {
  // Before any thread exists: unshare moves only the calling thread.
  absl::Status entered = tests::EnterPrivateNetworkNamespace();
  if (!entered.ok()) {
    std::fprintf(stderr, "host_stress_test: %s\n",
                 std::string(entered.message()).c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
