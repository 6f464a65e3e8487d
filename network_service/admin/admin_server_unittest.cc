#include "network_service/admin/admin_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "common/event_loop.h"

namespace network_service {
namespace {

namespace admin = ::direct_sockets::admin::v1;

// The pid the admin socket at `path` reports, or -1 when the call failed.
int PidFrom(const std::string& path) {
  auto stub = admin::Admin::NewStub(grpc::CreateChannel(
      "unix:" + path, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  admin::ServiceState state;
  grpc::Status status =
      stub->GetState(&context, admin::GetStateRequest(), &state);
  return status.ok() ? static_cast<int>(state.pid()) : -1;
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dsock-admin-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/admin/admin.sock";
    auto server = AdminServer::Start(
        &loop_, path_, [](admin::ServiceState* state) { state->set_pid(42); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (server_) {
      server_->Close();
      std::thread shutdown([this] { server_->Shutdown(); });
      // Shutdown waits for calls the loop answers: keep it turning.
      loop_.RunUntil([] { return false; }, absl::Milliseconds(100));
      shutdown.join();
      server_.reset();
    }
    std::filesystem::remove_all(dir_);
  }

  // Runs the loop until `pid` has its answer (bounded); the answer.
  int Answer(std::future<int>* pid) {
    loop_.RunUntil(
        [pid] {
          return pid->wait_for(std::chrono::seconds(0)) ==
                 std::future_status::ready;
        },
        absl::Seconds(15), absl::Milliseconds(10));
    return pid->wait_for(std::chrono::seconds(0)) == std::future_status::ready
               ? pid->get()
               : -2;
  }

  common::EventLoop loop_;
  std::string dir_;
  std::string path_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, AnswersFromTheLoopOnAPrivateSocket) {
  struct stat info;
  ASSERT_EQ(stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ + "/admin").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  std::future<int> pid = std::async(std::launch::async, PidFrom, path_);
  EXPECT_EQ(Answer(&pid), 42);
  EXPECT_TRUE(AdminServer::MayConnect(0));
  EXPECT_TRUE(AdminServer::MayConnect(geteuid()));
  EXPECT_EQ(AdminServer::MayConnect(65534), geteuid() == 65534);
}

TEST_F(AdminServerTest, OutOfDescriptorsItPausesThenServes) {
  // A client waits in the backlog while no descriptor is free for it.
  const int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path_.c_str());
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&address),
                    sizeof(address)),
            0);
  const int lowest_free = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(lowest_free, 0);
  close(lowest_free);
  rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  loop_.RunUntil([this] { return server_->accept_pauses() > 0; },
                 absl::Seconds(5), absl::Milliseconds(10));
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  // One failed accept, not a loop spinning on a readable socket.
  EXPECT_EQ(server_->accept_pauses(), 1u);
  // After the pause it accepts again: a call is answered.
  std::future<int> pid = std::async(std::launch::async, PidFrom, path_);
  EXPECT_EQ(Answer(&pid), 42);
  EXPECT_EQ(server_->accept_pauses(), 1u);
  close(client);
}

}  // namespace
}  // namespace network_service
