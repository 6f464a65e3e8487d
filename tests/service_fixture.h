#ifndef TESTS_SERVICE_FIXTURE_H_
#define TESTS_SERVICE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/event_loop.h"
#include "host/host.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"
#include "tests/network_service_process.h"

namespace tests {

inline constexpr absl::Duration kBound = absl::Seconds(10);

inline renderer::UDPMessage Text(const std::string& text) {
  renderer::UDPMessage message;
  message.data.assign(text.begin(), text.end());
  return message;
}

inline std::string AsText(const renderer::UDPMessage& message) {
  return std::string(message.data.begin(), message.data.end());
}

// This process as a renderer of a real network service: a loop and a
// connection, made by a subclass's SetUp().
class RendererTest : public ::testing::Test {
 protected:
  // Runs the loop until `promise` settles; false after `bound`.
  template <typename T>
  bool Settle(const renderer::Promise<T>& promise,
              absl::Duration bound = kBound) {
    return loop_.RunUntil([&] { return promise.is_settled(); }, bound);
  }

  // Opens a socket and waits for `opened`; fails the test otherwise.
  std::shared_ptr<renderer::UDPSocket> Open(
      const renderer::UDPSocketOptions& options,
      renderer::UDPSocketOpenInfo* info) {
    auto socket = renderer::UDPSocket::Create(connection_.get(), options);
    EXPECT_TRUE(socket.ok()) << socket.error().ToString();
    if (!socket.ok())
      return nullptr;
    EXPECT_TRUE(Settle(socket.value()->opened()));
    if (!socket.value()->opened().is_fulfilled()) {
      ADD_FAILURE() << "opened rejected: "
                    << socket.value()->opened().error().ToString();
      return nullptr;
    }
    *info = socket.value()->opened().value();
    return socket.value();
  }

  // Members in this order: the connection goes before the loop it posts to.
  common::EventLoop loop_;
  std::unique_ptr<renderer::NetworkServiceConnection> connection_;
};

// The service standalone, as a child process listening on a Unix socket.
class ServiceTest : public RendererTest {
 protected:
  void SetUp() override {
    absl::Status started = service_.Start();
    ASSERT_TRUE(started.ok()) << started;
    connection_ = std::make_unique<renderer::NetworkServiceConnection>(
        &loop_, service_.socket_path());
  }
  void TearDown() override { connection_.reset(); }

  NetworkServiceProcess service_;
};

// The service started by the host (host/host.h), with this process as the
// renderer of kTestOrigin on a channel the host bound to it; other renderer
// processes come from host_->StartRenderer().
class HostedServiceTest : public RendererTest {
 protected:
  static constexpr char kTestOrigin[] = "isolated-app://testrenderer";

  void SetUp() override {
    host::Host::Options options{RunfilePath("network_service/network_service")};
    // These tests exercise multicast itself, not the policy
    // (policy_enforcement_test.cc does).
    options.unsafe_development_mode = true;
    host_ = std::make_unique<host::Host>(&loop_, options);
    ASSERT_TRUE(host_->StartNetworkService().ok());
    absl::StatusOr<int> channel =
        host_->NewInProcessRendererChannel(kTestOrigin);
    ASSERT_TRUE(channel.ok()) << channel.status();
    connection_ =
        renderer::NetworkServiceConnection::FromInheritedFd(&loop_, *channel);
  }
  void TearDown() override {
    connection_.reset();
    host_.reset();
  }
  pid_t service_pid() const { return host_->network_service_pid(); }

  std::unique_ptr<host::Host> host_;
};

}  // namespace tests

#endif  // TESTS_SERVICE_FIXTURE_H_
