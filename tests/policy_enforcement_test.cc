// The admin's policy, enforced by the network service (started by the host
// with --policy-dir), seen from renderers of several apps, in a private
// network namespace this test makes at start: refusals reach the page as
// NotAllowedError naming the deciding policy, land in the audit log, and
// leave no membership in the kernel.
#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"
#include "tests/kernel_multicast_state.h"
#include "tests/network_service_process.h"

namespace tests {
namespace {

using renderer::Promise;
using renderer::UDPSocket;
using renderer::UDPSocketOpenInfo;
using renderer::UDPSocketOptions;
using renderer::Undefined;

constexpr char kAllowed[] = "isolated-app://allowedapp";
constexpr char kBlocked[] = "isolated-app://blockedapp";
constexpr char kNoRule[] = "isolated-app://noruleapp";

constexpr char kPolicy[] = R"({
  "DirectSocketsBlockedForUrls": ["isolated-app://blockedapp"],
  "DirectSocketsMulticastRules": [{
    "origins": ["isolated-app://allowedapp"],
    "receive_groups": ["239.10.0.0/16"],
    "send_groups": ["239.10.0.0/16"],
    "ssm_sources": ["10.78.0.0/24"],
    "ports": ["5004-5010"],
    "max_ttl": 2,
    "max_memberships": 3
  }]
})";

class PolicyEnforcementTest : public ::testing::Test {
 protected:
  void SetUp() override { StartWith(kPolicy); }

  // Starts the host and service with `policy_json` as the only policy file
  // (none if empty: an unmanaged device).
  void StartWith(const std::string& policy_json) {
    char pattern[] = "/tmp/dsock-policy.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    if (!policy_json.empty()) {
      std::ofstream(dir_ + "/10-test.json") << policy_json;
    }
    host::Host::Options options;
    options.network_service_path =
        RunfilePath("network_service/network_service");
    options.policy_dir = dir_;
    options.audit_log = dir_ + ".audit.log";
    host_ = std::make_unique<host::Host>(&loop_, options);
    ASSERT_TRUE(host_->StartNetworkService().ok());
  }

  void TearDown() override {
    sockets_.clear();
    connections_.clear();
    host_.reset();
    std::system(("rm -rf " + dir_ + " " + dir_ + ".audit.log").c_str());
  }

  // A renderer of `origin`, in this process, on a host-bound channel.
  renderer::NetworkServiceConnection* Renderer(const std::string& origin) {
    absl::StatusOr<int> fd = host_->NewInProcessRendererChannel(origin);
    EXPECT_TRUE(fd.ok());
    connections_.push_back(
        renderer::NetworkServiceConnection::FromInheritedFd(&loop_, *fd));
    return connections_.back().get();
  }

  template <typename T>
  void Settle(const Promise<T>& promise) {
    ASSERT_TRUE(loop_.RunUntil([&] { return promise.is_settled(); },
                               absl::Seconds(10)));
  }

  // Opens a socket; returns its opened promise (settled).
  Promise<UDPSocketOpenInfo> Open(renderer::NetworkServiceConnection* c,
                                  const UDPSocketOptions& options) {
    auto socket = UDPSocket::Create(c, options);
    EXPECT_TRUE(socket.ok());
    sockets_.push_back(socket.value());
    auto opened = socket.value()->opened();
    Settle(opened);
    return opened;
  }

  UDPSocketOptions Bound(int port) {
    UDPSocketOptions options;
    options.localAddress = "0.0.0.0";
    options.localPort = port;
    return options;
  }

  void ExpectNotAllowed(const Promise<Undefined>& promise,
                        const std::string& words) {
    ASSERT_TRUE(promise.is_rejected());
    EXPECT_EQ(promise.error().name(), "NotAllowedError");
    EXPECT_NE(promise.error().message().find(words), std::string::npos)
        << promise.error().message();
  }

  std::string AuditLog() {
    std::ifstream file(dir_ + ".audit.log");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  common::EventLoop loop_;
  std::unique_ptr<host::Host> host_;
  std::vector<std::unique_ptr<renderer::NetworkServiceConnection>> connections_;
  std::vector<std::shared_ptr<UDPSocket>> sockets_;
  std::string dir_;
};

TEST_F(PolicyEnforcementTest, JoinsFollowTheRuleOfTheApp) {
  auto opened = Open(Renderer(kAllowed), Bound(5004));
  ASSERT_TRUE(opened.is_fulfilled()) << opened.error().ToString();
  auto& controller = *opened.value().multicastController;
  auto inside = controller.joinGroup("239.10.0.1");
  Settle(inside);
  EXPECT_TRUE(inside.is_fulfilled()) << inside.error().ToString();
  auto outside = controller.joinGroup("239.11.0.1");
  Settle(outside);
  ExpectNotAllowed(outside,
                   "DirectSocketsMulticastRules[0].receive_groups: 239.11.0.1 "
                   "is outside the groups allowed for "
                   "isolated-app://allowedapp");
  auto source = controller.joinGroup(
      "239.10.0.2", renderer::MulticastGroupOptions{"192.0.2.1"});
  Settle(source);
  ExpectNotAllowed(source, "ssm_sources: source 192.0.2.1 is not allowed");
  EXPECT_TRUE(KernelHasGroup(*common::IpAddress::Parse("239.10.0.1")));
  EXPECT_FALSE(KernelHasGroup(*common::IpAddress::Parse("239.11.0.1")));
  EXPECT_EQ(controller.joinedGroups().size(), 1u);
  const std::string audit = AuditLog();
  EXPECT_NE(audit.find(R"("origin":"isolated-app://allowedapp")"),
            std::string::npos)
      << audit;
  EXPECT_NE(audit.find(R"("action":"join")"), std::string::npos) << audit;
  EXPECT_NE(
      audit.find(R"("policy":"DirectSocketsMulticastRules[0].receive_groups")"),
      std::string::npos)
      << audit;
}

TEST_F(PolicyEnforcementTest, MaxMembershipsCountsEverySocketOfTheApp) {
  renderer::NetworkServiceConnection* c = Renderer(kAllowed);
  auto a = Open(c, Bound(5004));
  auto b = Open(c, Bound(5005));
  ASSERT_TRUE(a.is_fulfilled() && b.is_fulfilled());
  for (const char* group : {"239.10.1.1", "239.10.1.2"}) {
    auto join = a.value().multicastController->joinGroup(group);
    Settle(join);
    ASSERT_TRUE(join.is_fulfilled()) << join.error().ToString();
  }
  auto third = b.value().multicastController->joinGroup("239.10.1.3");
  Settle(third);
  ASSERT_TRUE(third.is_fulfilled()) << third.error().ToString();
  auto fourth = b.value().multicastController->joinGroup("239.10.1.4");
  Settle(fourth);
  ExpectNotAllowed(fourth,
                   "max_memberships: isolated-app://allowedapp already holds "
                   "3 memberships");
  // Leaving one frees a place.
  auto leave = a.value().multicastController->leaveGroup("239.10.1.1");
  Settle(leave);
  auto again = b.value().multicastController->joinGroup("239.10.1.4");
  Settle(again);
  EXPECT_TRUE(again.is_fulfilled()) << again.error().ToString();
}

TEST_F(PolicyEnforcementTest, PortsOutsideTheRuleAreRefused) {
  auto opened = Open(Renderer(kAllowed), Bound(6000));
  ASSERT_TRUE(opened.is_fulfilled());
  auto join = opened.value().multicastController->joinGroup("239.10.0.1");
  Settle(join);
  ExpectNotAllowed(join, "ports: port 6000 is not allowed");
}

TEST_F(PolicyEnforcementTest, ABlockedAppCannotOpenASocket) {
  auto opened = Open(Renderer(kBlocked), Bound(5004));
  ASSERT_TRUE(opened.is_rejected());
  EXPECT_EQ(opened.error().name(), "NotAllowedError");
  EXPECT_NE(opened.error().message().find(
                "DirectSocketsBlockedForUrls lists isolated-app://blockedapp"),
            std::string::npos)
      << opened.error().message();
}

TEST_F(PolicyEnforcementTest, AnAppNoRuleNamesGetsNoMulticast) {
  auto opened = Open(Renderer(kNoRule), Bound(5004));
  ASSERT_TRUE(opened.is_fulfilled());  // Plain sockets are allowed.
  auto join = opened.value().multicastController->joinGroup("239.10.0.1");
  Settle(join);
  ExpectNotAllowed(join, "no rule names isolated-app://noruleapp");
}

TEST_F(PolicyEnforcementTest, SendsAndTtlFollowTheRule) {
  renderer::NetworkServiceConnection* c = Renderer(kAllowed);
  auto opened = Open(c, Bound(5005));
  ASSERT_TRUE(opened.is_fulfilled());
  renderer::UDPMessage message;
  message.data = {'x'};
  message.remoteAddress = "239.10.0.9";
  message.remotePort = 5005;
  auto allowed = opened.value().writable->Write(message);
  Settle(allowed);
  EXPECT_TRUE(allowed.is_fulfilled()) << allowed.error().ToString();
  message.remoteAddress = "239.12.0.9";
  auto refused = opened.value().writable->Write(message);
  Settle(refused);
  ExpectNotAllowed(refused, "send_groups: 239.12.0.9 is outside the groups");

  UDPSocketOptions sender;
  sender.remoteAddress = "239.10.0.9";
  sender.remotePort = 5005;
  sender.multicastTimeToLive = 3;
  auto too_far = Open(c, sender);
  ASSERT_TRUE(too_far.is_rejected());
  EXPECT_EQ(too_far.error().name(), "NotAllowedError");
  EXPECT_NE(too_far.error().message().find(
                "max_ttl: multicastTimeToLive 3 is above 2"),
            std::string::npos)
      << too_far.error().message();
}

// Replaces the test's policy file atomically (write, then rename).
void WritePolicy(const std::string& dir, const std::string& json) {
  const std::string path = dir + "/10-test.json";
  std::ofstream(path + ".new") << json;
  std::rename((path + ".new").c_str(), path.c_str());
}

std::string RuleWithGroups(const std::string& groups) {
  return absl::StrCat(R"({"DirectSocketsMulticastRules": [{
      "origins": ["isolated-app://allowedapp"],
      "receive_groups": [)",
                      groups, R"(], "ports": ["5004-5010"]}]})");
}

TEST_F(PolicyEnforcementTest, LivePolicyGrantsRevokesAndIgnoresBrokenEdits) {
  renderer::NetworkServiceConnection* c = Renderer(kAllowed);
  auto first = Open(c, Bound(5004));
  ASSERT_TRUE(first.is_fulfilled());
  auto joined = first.value().multicastController->joinGroup("239.10.0.1");
  Settle(joined);
  ASSERT_TRUE(joined.is_fulfilled());

  // A grant: 239.30.0.0/16 appears. New joins see it once the service has
  // read the directory (within a second): retry, bounded.
  WritePolicy(dir_, RuleWithGroups(R"("239.10.0.0/16", "239.30.0.0/16")"));
  auto second = Open(c, Bound(5005));
  ASSERT_TRUE(second.is_fulfilled());
  bool granted = false;
  for (int attempt = 0; attempt < 100 && !granted; ++attempt) {
    auto join = second.value().multicastController->joinGroup("239.30.0.1");
    Settle(join);
    granted = join.is_fulfilled();
    if (!granted) {
      ASSERT_EQ(join.error().name(), "NotAllowedError");
      loop_.RunUntil([] { return false; }, absl::Milliseconds(20));
    }
  }
  EXPECT_TRUE(granted) << "the grant did not take effect within 2 s";

  // A revoke: 239.10.0.0/16 goes. The socket holding it closes with a
  // NetworkError and the kernel drops the membership.
  WritePolicy(dir_, RuleWithGroups(R"("239.30.0.0/16")"));
  auto closed = sockets_[0]->closed();
  ASSERT_TRUE(
      loop_.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(5)));
  ASSERT_TRUE(closed.is_rejected());
  EXPECT_EQ(closed.error().name(), "NetworkError");
  EXPECT_NE(closed.error().message().find("policy changed"), std::string::npos)
      << closed.error().message();
  EXPECT_FALSE(KernelHasGroup(*common::IpAddress::Parse("239.10.0.1")))
      << KernelMulticastTables();
  EXPECT_FALSE(sockets_[1]->closed().is_settled()) << "239.30 is still allowed";

  // A broken edit changes nothing: the service refuses it (audit log) and
  // the last good policy stays in force.
  WritePolicy(dir_, "{ broken");
  ASSERT_TRUE(loop_.RunUntil(
      [&] {
        return AuditLog().find("\"event\":\"policy-refused\"") !=
               std::string::npos;
      },
      absl::Seconds(5), absl::Milliseconds(20)));
  auto still = second.value().multicastController->joinGroup("239.30.0.2");
  Settle(still);
  EXPECT_TRUE(still.is_fulfilled()) << still.error().ToString();
  EXPECT_FALSE(sockets_[1]->closed().is_settled());
}

// The same keys, hit by a client that skips the renderer library: the
// service is what refuses.
TEST_F(PolicyEnforcementTest, TheServiceRefusesARawClientByEachKey) {
  namespace v1 = ::direct_sockets::v1;
  auto raw = [&](const std::string& origin) {
    absl::StatusOr<int> fd = host_->NewInProcessRendererChannel(origin);
    EXPECT_TRUE(fd.ok());
    fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);
    return v1::NetworkService::NewStub(
        grpc::CreateInsecureChannelFromFd("raw", *fd));
  };
  // Opens `open`, sends `then` (if any); returns the result of `then`, or
  // the stream's end status when the open is refused.
  auto run = [&](v1::NetworkService::Stub* stub, const v1::OpenUDPSocket& open,
                 std::optional<v1::UDPSocketRequest> then) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    auto stream = stub->OpenUDPSocket(&context);
    v1::UDPSocketRequest request;
    request.set_request_id(1);
    *request.mutable_open() = open;
    stream->Write(request);
    v1::UDPSocketEvent event;
    std::pair<int, std::string> answer{-1, ""};
    if (stream->Read(&event) && event.has_opened()) {
      if (then) {
        stream->Write(*then);
        while (stream->Read(&event)) {
          if (event.has_result()) {
            answer = {event.result().status().code(),
                      event.result().status().message()};
            break;
          }
        }
      } else {
        answer = {0, "opened"};
      }
      stream->WritesDone();
      while (stream->Read(&event)) {
      }
      stream->Finish();
      return answer;
    }
    grpc::Status status = stream->Finish();
    return std::pair<int, std::string>{status.error_code(),
                                       status.error_message()};
  };
  auto bound = [](uint32_t port) {
    v1::OpenUDPSocket open;
    open.mutable_bound()->set_local_address("0.0.0.0");
    open.mutable_bound()->set_local_port(port);
    return open;
  };
  auto join = [](const std::string& group, const std::string& source = "") {
    v1::UDPSocketRequest request;
    request.set_request_id(2);
    request.mutable_join_group()->set_group_address(group);
    if (!source.empty())
      request.mutable_join_group()->set_source_address(source);
    return request;
  };
  constexpr int kPermissionDenied = 7;
  auto expect = [&](std::pair<int, std::string> got, int code,
                    const std::string& words) {
    EXPECT_EQ(got.first, code) << got.second;
    EXPECT_NE(got.second.find(words), std::string::npos) << got.second;
  };
  auto allowed = raw(kAllowed);
  expect(run(allowed.get(), bound(5004), join("239.10.0.1")), 0, "");
  expect(run(allowed.get(), bound(5004), join("239.11.0.1")), kPermissionDenied,
         "receive_groups: 239.11.0.1 is outside");
  expect(run(allowed.get(), bound(6000), join("239.10.0.1")), kPermissionDenied,
         "ports: port 6000");
  expect(run(allowed.get(), bound(5004), join("239.10.0.1", "192.0.2.1")),
         kPermissionDenied, "ssm_sources: source 192.0.2.1");
  v1::OpenUDPSocket ttl = bound(5004);
  ttl.set_multicast_time_to_live(3);
  expect(run(allowed.get(), ttl, std::nullopt), kPermissionDenied,
         "max_ttl: multicastTimeToLive 3 is above 2");
  v1::UDPSocketRequest send;
  send.set_request_id(2);
  v1::Datagram* datagram = send.mutable_send()->add_datagrams();
  datagram->set_data("x");
  datagram->set_remote_address("239.12.0.1");
  datagram->set_remote_port(5004);
  expect(run(allowed.get(), bound(5004), send), kPermissionDenied,
         "send_groups: 239.12.0.1 is outside");
  expect(run(raw(kBlocked).get(), bound(5004), std::nullopt), kPermissionDenied,
         "DirectSocketsBlockedForUrls lists");
  expect(run(raw(kNoRule).get(), bound(5004), join("239.10.0.1")),
         kPermissionDenied, "no rule names isolated-app://noruleapp");
}

class FlagsAndSettingsTest : public PolicyEnforcementTest {
 protected:
  void SetUp() override {
    StartWith(R"({
      "DefaultDirectSocketsPrivateNetworkAccessSetting": 2,
      "DirectSocketsPrivateNetworkAccessAllowedForUrls": [
        "isolated-app://allowedapp"],
      "DirectSocketsMulticastRules": [{
        "origins": ["isolated-app://allowedapp", "isolated-app://noruleapp"],
        "receive_groups": ["239.10.0.0/16"],
        "send_groups": ["239.10.0.0/16"],
        "ports": ["5004-5010"],
        "allow_address_sharing": false,
        "allow_loopback": false
      }]})");
  }
};

TEST_F(FlagsAndSettingsTest, SharingLoopbackAndPrivateNetworkAccess) {
  renderer::NetworkServiceConnection* c = Renderer(kAllowed);
  UDPSocketOptions sharing = Bound(5004);
  sharing.multicastAllowAddressSharing = true;
  auto shared = Open(c, sharing);
  ASSERT_TRUE(shared.is_rejected());
  EXPECT_NE(shared.error().message().find(
                "allow_address_sharing: address sharing is not allowed"),
            std::string::npos)
      << shared.error().message();

  UDPSocketOptions sender;
  sender.remoteAddress = "239.10.0.3";
  sender.remotePort = 5004;
  sender.multicastLoopback = true;
  auto looped = Open(c, sender);
  ASSERT_TRUE(looped.is_rejected());
  EXPECT_NE(
      looped.error().message().find("allow_loopback: loopback is not allowed"),
      std::string::npos)
      << looped.error().message();
  sender.multicastLoopback = false;
  auto quiet = Open(c, sender);
  EXPECT_TRUE(quiet.is_fulfilled()) << quiet.error().ToString();

  // Bound sockets need private-network access: only allowedapp has it.
  auto other = Open(Renderer(kNoRule), Bound(5005));
  ASSERT_TRUE(other.is_rejected());
  EXPECT_EQ(other.error().name(), "NotAllowedError");
  EXPECT_NE(other.error().message().find(
                "DefaultDirectSocketsPrivateNetworkAccessSetting is 2"),
            std::string::npos)
      << other.error().message();
}

class RateLimitTest : public PolicyEnforcementTest {
 protected:
  static constexpr int kRate = 200;  // Datagrams per second.
  void SetUp() override {
    StartWith(absl::StrCat(R"({"DirectSocketsMulticastRules": [{
        "origins": ["isolated-app://allowedapp"],
        "receive_groups": ["239.10.0.0/16"],
        "send_groups": ["239.10.0.0/16"],
        "ports": ["5004-5010"],
        "max_datagrams_per_second": )",
                           kRate, "}]}"));
  }
};

TEST_F(RateLimitTest, ASenderIsHeldToItsRateAndLosesNothing) {
  renderer::NetworkServiceConnection* c = Renderer(kAllowed);
  auto receiver = Open(c, Bound(5007));
  ASSERT_TRUE(receiver.is_fulfilled());
  auto join = receiver.value().multicastController->joinGroup("239.10.0.7");
  Settle(join);
  ASSERT_TRUE(join.is_fulfilled()) << join.error().ToString();
  int received = 0;
  std::function<void()> read_next = [&] {
    receiver.value().readable->Read().Then(
        [&](const Promise<renderer::ReadResult>::Result& r) {
          if (!std::holds_alternative<renderer::ReadResult>(r) ||
              std::get<renderer::ReadResult>(r).done) {
            return;
          }
          ++received;
          read_next();
        });
  };
  read_next();

  auto sender = Open(c, Bound(5008));
  ASSERT_TRUE(sender.is_fulfilled());
  const auto& writable = sender.value().writable;
  renderer::UDPMessage message;
  message.data = {'r'};
  message.remoteAddress = "239.10.0.7";
  message.remotePort = 5007;
  // Write as fast as the writable lets us: the service's rate is the only
  // brake (back-pressure), and nothing may be dropped for it.
  int written = 0, failed = 0;
  bool stop = false;
  std::function<void()> fill = [&] {
    while (!stop && writable->desired_size() > 0) {
      writable->Write(message).Then([&](const Promise<Undefined>::Result& r) {
        (std::holds_alternative<Undefined>(r) ? written : failed)++;
      });
    }
    if (!stop)
      writable->Ready().Then(
          [&](const Promise<Undefined>::Result&) { fill(); });
  };
  // Writes go in batches of up to 64, so the window holds many batches.
  constexpr int kSeconds = 4;
  const absl::Time start = absl::Now();
  fill();
  loop_.RunUntil([] { return false; }, absl::Seconds(kSeconds));
  const int sent_in_window = written;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  // Let what is on its way arrive (bounded), then compare.
  ASSERT_TRUE(loop_.RunUntil([&] { return received == written; },
                             absl::Seconds(5), absl::Milliseconds(50)))
      << received << " received of " << written << " written";
  const double rate = sent_in_window / seconds;
  std::printf("held to %d/s: sent %d in %.2f s (%.1f/s), received %d\n", kRate,
              sent_in_window, seconds, rate, received);
  EXPECT_EQ(failed, 0);
  EXPECT_GE(rate, kRate * 0.9);
  EXPECT_LE(rate, kRate * 1.1);
}

// No policy file at all: an unmanaged device.
class UnmanagedDeviceTest : public PolicyEnforcementTest {
 protected:
  void SetUp() override { StartWith(""); }
};

TEST_F(UnmanagedDeviceTest, NoMulticastForAnyoneButPlainSocketsWork) {
  auto opened = Open(Renderer(kAllowed), Bound(5004));
  ASSERT_TRUE(opened.is_fulfilled());  // Chrome's default for sockets.
  auto join = opened.value().multicastController->joinGroup("239.10.0.1");
  Settle(join);
  ExpectNotAllowed(join, "this device is not managed");
}

}  // namespace
}  // namespace tests

int main(int argc, char** argv) {
  // Before any thread exists: unshare moves only the calling thread.
  absl::Status entered = tests::EnterPrivateNetworkNamespace();
  if (!entered.ok()) {
    std::fprintf(stderr, "policy_enforcement_test: %s\n",
                 std::string(entered.message()).c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
