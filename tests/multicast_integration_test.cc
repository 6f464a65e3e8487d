// Multicast end to end, checked against the Linux kernel: the real network
// service as a child process, this process as its renderer, all inside a
// private network namespace that this test makes at start (main() below)
// and that disappears with it, pass or fail.
#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <algorithm>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/multicast_controller.h"
#include "tests/kernel_multicast_state.h"
#include "tests/network_service_process.h"
#include "tests/service_fixture.h"

namespace tests {
namespace {

using ::common::IpAddress;
using ::renderer::JoinedGroup;
using ::renderer::MulticastGroupOptions;
using ::renderer::Promise;
using ::renderer::ReadResult;
using ::renderer::UDPMessage;
using ::renderer::UDPSocket;
using ::renderer::UDPSocketOpenInfo;
using ::renderer::UDPSocketOptions;
using ::renderer::Undefined;
namespace v1 = ::direct_sockets::v1;

IpAddress Ip(const char* text) {
  return *IpAddress::Parse(text);
}

// One IP version's addresses in the namespace (see
// EnterPrivateNetworkNamespace).
struct Family {
  const char* name;
  const char* any;           // Receivers bind here.
  const char* asm_group;     // Any-source group.
  const char* ssm_group;     // Source-specific group.
  const char* source;        // a0's first address: a listed source.
  const char* other_source;  // a0's second address: an unlisted one.
};

const Family kIpv4{"IPv4",      "0.0.0.0",   "239.1.2.3",
                   "232.1.2.3", "10.78.0.1", "10.78.0.2"};
const Family kIpv6{"IPv6",       "::",      "ff0e::1234",
                   "ff3e::1234", "fd78::1", "fd78::2"};

void PrintTo(const Family& family, std::ostream* os) {
  *os << family.name;
}

class MulticastTest : public HostedServiceTest,
                      public ::testing::WithParamInterface<Family> {
 protected:
  // A bound receiver on the wildcard address; port 0 = any.
  std::shared_ptr<UDPSocket> OpenReceiver(UDPSocketOpenInfo* info,
                                          uint16_t port = 0,
                                          bool share = false) {
    UDPSocketOptions options;
    options.localAddress = GetParam().any;
    if (port != 0)
      options.localPort = port;
    if (share)
      options.multicastAllowAddressSharing = true;
    return Open(options, info);
  }

  // Sends one datagram to group:port from a socket bound to `from`.
  void SendFrom(const char* from,
                const char* group,
                uint16_t port,
                const std::string& text,
                bool loopback = true) {
    UDPSocketOptions options;
    options.localAddress = from;
    options.multicastLoopback = loopback;
    options.multicastTimeToLive = 2;
    UDPSocketOpenInfo info;
    auto sender = Open(options, &info);
    ASSERT_NE(sender, nullptr);
    UDPMessage message = Text(text);
    message.remoteAddress = group;
    message.remotePort = port;
    auto written = info.writable->Write(message);
    ASSERT_TRUE(Settle(written));
    ASSERT_TRUE(written.is_fulfilled()) << written.error().ToString();
    auto closed = sender->close();
    ASSERT_TRUE(Settle(closed));
  }

  // Waits for and returns the next message's text.
  std::string NextText(const UDPSocketOpenInfo& info) {
    auto read = info.readable->Read();
    if (!Settle(read))
      return "<nothing arrived>";
    if (read.is_rejected())
      return read.error().ToString();
    return AsText(*read.value().value);
  }

  void Join(const UDPSocketOpenInfo& info,
            const char* group,
            std::optional<std::string> source = std::nullopt) {
    auto join = info.multicastController->joinGroup(
        group, MulticastGroupOptions{source});
    ASSERT_TRUE(Settle(join));
    ASSERT_TRUE(join.is_fulfilled()) << join.error().ToString();
  }
};

TEST_P(MulticastTest, AnySourceJoinReceiveLeaveAndCloseInTheKernel) {
  const Family& f = GetParam();
  UDPSocketOpenInfo receiver;
  auto socket = OpenReceiver(&receiver);
  ASSERT_NE(socket, nullptr);
  ASSERT_NE(receiver.multicastController, nullptr);
  Join(receiver, f.asm_group);
  EXPECT_EQ(receiver.multicastController->joinedGroups(),
            std::vector<JoinedGroup>{std::string(f.asm_group)});
  EXPECT_TRUE(KernelHasGroup(Ip(f.asm_group))) << KernelMulticastTables();

  SendFrom(f.source, f.asm_group, receiver.localPort, "to the group");
  EXPECT_EQ(NextText(receiver), "to the group");

  auto leave = receiver.multicastController->leaveGroup(f.asm_group);
  ASSERT_TRUE(Settle(leave));
  ASSERT_TRUE(leave.is_fulfilled()) << leave.error().ToString();
  EXPECT_TRUE(receiver.multicastController->joinedGroups().empty());
  EXPECT_FALSE(KernelHasGroup(Ip(f.asm_group))) << KernelMulticastTables();

  // Close leaves every group.
  Join(receiver, f.asm_group);
  EXPECT_TRUE(KernelHasGroup(Ip(f.asm_group)));
  auto closed = socket->close();
  ASSERT_TRUE(Settle(closed));
  EXPECT_TRUE(closed.is_fulfilled());
  EXPECT_FALSE(KernelHasGroup(Ip(f.asm_group))) << KernelMulticastTables();
}

TEST_P(MulticastTest, SourceSpecificDeliversOnlyTheListedSource) {
  const Family& f = GetParam();
  UDPSocketOpenInfo receiver;
  auto socket = OpenReceiver(&receiver);
  ASSERT_NE(socket, nullptr);
  Join(receiver, f.ssm_group, f.source);
  const std::vector<JoinedGroup> expected = {
      renderer::MulticastMembership{f.ssm_group, f.source}};
  EXPECT_EQ(receiver.multicastController->joinedGroups(), expected);
  EXPECT_TRUE(KernelHasSource(Ip(f.ssm_group), Ip(f.source)))
      << KernelMulticastTables();
  EXPECT_FALSE(KernelHasSource(Ip(f.ssm_group), Ip(f.other_source)));

  // Loopback delivery is in order: if the unlisted source got through, it
  // would be read before the listed one's datagram.
  SendFrom(f.other_source, f.ssm_group, receiver.localPort, "unlisted");
  SendFrom(f.source, f.ssm_group, receiver.localPort, "listed");
  EXPECT_EQ(NextText(receiver), "listed");
  EXPECT_EQ(receiver.readable->queued(), 0u);

  auto leave = receiver.multicastController->leaveGroup(
      f.ssm_group, MulticastGroupOptions{std::string(f.source)});
  ASSERT_TRUE(Settle(leave));
  EXPECT_TRUE(leave.is_fulfilled());
  EXPECT_FALSE(KernelHasSource(Ip(f.ssm_group), Ip(f.source)));
}

TEST_P(MulticastTest, SeveralSourcesFormTheGroupsSourceSet) {
  const Family& f = GetParam();
  UDPSocketOpenInfo receiver;
  auto socket = OpenReceiver(&receiver);
  ASSERT_NE(socket, nullptr);
  Join(receiver, f.ssm_group, f.source);
  Join(receiver, f.ssm_group, f.other_source);
  EXPECT_TRUE(KernelHasSource(Ip(f.ssm_group), Ip(f.source)));
  EXPECT_TRUE(KernelHasSource(Ip(f.ssm_group), Ip(f.other_source)));
  SendFrom(f.other_source, f.ssm_group, receiver.localPort, "second");
  SendFrom(f.source, f.ssm_group, receiver.localPort, "first");
  EXPECT_EQ(NextText(receiver), "second");
  EXPECT_EQ(NextText(receiver), "first");
}

TEST_P(MulticastTest, LoopbackOffKeepsDatagramsOffThisHost) {
  const Family& f = GetParam();
  UDPSocketOpenInfo receiver;
  auto socket = OpenReceiver(&receiver);
  ASSERT_NE(socket, nullptr);
  Join(receiver, f.asm_group);
  SendFrom(f.source, f.asm_group, receiver.localPort, "hidden",
           /*loopback=*/false);
  SendFrom(f.source, f.asm_group, receiver.localPort, "looped back",
           /*loopback=*/true);
  EXPECT_EQ(NextText(receiver), "looped back");
}

TEST_P(MulticastTest, AddressSharingNeedsEverySocketToAskForIt) {
  const Family& f = GetParam();
  UDPSocketOpenInfo first, second;
  auto a = OpenReceiver(&first, 0, /*share=*/true);
  ASSERT_NE(a, nullptr);
  auto b = OpenReceiver(&second, first.localPort, /*share=*/true);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(second.localPort, first.localPort);
  // Both members of the group get their own copy.
  Join(first, f.asm_group);
  Join(second, f.asm_group);
  SendFrom(f.source, f.asm_group, first.localPort, "to both");
  EXPECT_EQ(NextText(first), "to both");
  EXPECT_EQ(NextText(second), "to both");

  // A third socket that does not ask for sharing cannot have the port.
  UDPSocketOptions unshared;
  unshared.localAddress = f.any;
  unshared.localPort = first.localPort;
  auto c = UDPSocket::Create(connection_.get(), unshared);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(Settle(c.value()->opened()));
  ASSERT_TRUE(c.value()->opened().is_rejected());
  EXPECT_EQ(c.value()->opened().error().name(), "NetworkError");
  EXPECT_NE(c.value()->opened().error().message().find("in use"),
            std::string::npos);

  // Nor can one that asks, on a port whose holder did not.
  UDPSocketOpenInfo plain_info;
  auto plain = OpenReceiver(&plain_info);
  ASSERT_NE(plain, nullptr);
  UDPSocketOptions sharing;
  sharing.localAddress = f.any;
  sharing.localPort = plain_info.localPort;
  sharing.multicastAllowAddressSharing = true;
  auto d = UDPSocket::Create(connection_.get(), sharing);
  ASSERT_TRUE(Settle(d.value()->opened()));
  EXPECT_EQ(d.value()->opened().error().name(), "NetworkError");
}

TEST_P(MulticastTest, TheServiceCapsMembershipsPerSocket) {
  const Family& f = GetParam();
  UDPSocketOpenInfo receiver;
  auto socket = OpenReceiver(&receiver);
  ASSERT_NE(socket, nullptr);
  std::vector<Promise<Undefined>> joins;
  for (int i = 1; i <= 21; ++i) {
    const std::string group = f.any == std::string("::")
                                  ? absl::StrCat("ff0e::2:", i)
                                  : absl::StrCat("239.2.0.", i);
    joins.push_back(receiver.multicastController->joinGroup(group));
  }
  ASSERT_TRUE(Settle(joins.back()));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Settle(joins[i]));
    EXPECT_TRUE(joins[i].is_fulfilled()) << i << joins[i].error().ToString();
  }
  ASSERT_TRUE(joins[20].is_rejected());
  EXPECT_EQ(joins[20].error().name(), "NetworkError");
  EXPECT_NE(joins[20].error().message().find("already holds 20 memberships"),
            std::string::npos)
      << joins[20].error().message();
  EXPECT_EQ(receiver.multicastController->joinedGroups().size(), 20u);
}

TEST_P(MulticastTest, AKilledRendererLeavesNoMembershipBehind) {
  const Family& f = GetParam();
  // A renderer process of another app, started by the host: two sockets,
  // each joined to the group.
  int out[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  bool exited = false;
  auto renderer_pid = host_->StartRenderer(
      {"isolated-app://holder",
       {RunfilePath("tests/socket_holder"), "-", "2", f.asm_group}},
      [&](pid_t, host::Host::Exit) { exited = true; }, out[1]);
  close(out[1]);
  ASSERT_TRUE(renderer_pid.ok()) << renderer_pid.status();
  std::string printed;
  char buffer[256];
  ssize_t n;
  // It prints a line per socket once all have joined, or exits (EOF).
  while (std::count(printed.begin(), printed.end(), '\n') < 2 &&
         (n = read(out[0], buffer, sizeof(buffer))) > 0) {
    printed.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  ASSERT_EQ(std::count(printed.begin(), printed.end(), '\n'), 2) << printed;
  EXPECT_TRUE(KernelHasGroup(Ip(f.asm_group))) << KernelMulticastTables();
  kill(*renderer_pid, SIGKILL);
  ASSERT_TRUE(loop_.RunUntil([&] { return exited; }, absl::Seconds(5)));
  // Nothing in this process hears of it: check the kernel within a bound.
  EXPECT_TRUE(loop_.RunUntil([&] { return !KernelHasGroup(Ip(f.asm_group)); },
                             absl::Seconds(2), absl::Milliseconds(10)))
      << KernelMulticastTables();
}

INSTANTIATE_TEST_SUITE_P(BothVersions,
                         MulticastTest,
                         ::testing::Values(kIpv4, kIpv6),
                         [](const auto& info) {
                           return std::string(info.param.name);
                         });

TEST_F(HostedServiceTest, AnIpv4GroupWorksOnADualStackSocket) {
  UDPSocketOptions options;
  options.localAddress = "::";
  UDPSocketOpenInfo receiver;
  auto socket = Open(options, &receiver);
  ASSERT_NE(socket, nullptr);
  auto join = receiver.multicastController->joinGroup("239.1.2.4");
  ASSERT_TRUE(Settle(join));
  ASSERT_TRUE(join.is_fulfilled()) << join.error().ToString();
  EXPECT_TRUE(KernelHasGroup(Ip("239.1.2.4")));

  UDPSocketOptions sender_options;
  sender_options.remoteAddress = "239.1.2.4";
  sender_options.remotePort = receiver.localPort;
  UDPSocketOpenInfo sender;
  auto sending = Open(sender_options, &sender);
  ASSERT_NE(sending, nullptr);
  auto written = sender.writable->Write(Text("v4 on v6"));
  ASSERT_TRUE(Settle(written));
  auto read = receiver.readable->Read();
  ASSERT_TRUE(Settle(read));
  ASSERT_TRUE(read.is_fulfilled()) << read.error().ToString();
  EXPECT_EQ(AsText(*read.value().value), "v4 on v6");
  // The kernel reports the IPv4 sender in its IPv4-mapped form.
  EXPECT_EQ(read.value().value->remoteAddress, "::ffff:10.78.0.1");
}

TEST_F(HostedServiceTest,
       AConnectedSocketHasNoControllerButSetsTtlAndLoopback) {
  UDPSocketOptions options;
  options.remoteAddress = "239.1.2.5";
  options.remotePort = 5000;
  options.multicastTimeToLive = 7;
  options.multicastLoopback = false;
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(info.multicastController, nullptr);
}

// A renderer that skips its own checks: the service refuses each request
// an honest renderer never sends by closing that socket's stream.
class BrokenRendererTest : public HostedServiceTest {
 protected:
  using Stream =
      grpc::ClientReaderWriter<v1::UDPSocketRequest, v1::UDPSocketEvent>;

  // Opens a socket on a raw stream, then sends `requests` in turn; returns
  // how the stream ended.
  grpc::Status Run(const v1::OpenUDPSocket& open,
                   const std::vector<v1::UDPSocketRequest>& requests) {
    // A channel of its own from the host, as a renderer process gets one.
    absl::StatusOr<int> fd =
        host_->NewInProcessRendererChannel("isolated-app://broken");
    EXPECT_TRUE(fd.ok()) << fd.status();
    fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);
    auto channel = grpc::CreateInsecureChannelFromFd("broken", *fd);
    auto stub = v1::NetworkService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    std::unique_ptr<Stream> stream = stub->OpenUDPSocket(&context);
    v1::UDPSocketRequest request;
    request.set_request_id(1);
    *request.mutable_open() = open;
    stream->Write(request);
    for (const auto& next : requests)
      stream->Write(next);
    v1::UDPSocketEvent event;
    while (stream->Read(&event)) {
    }
    return stream->Finish();
  }

  static v1::OpenUDPSocket Bound(const char* address) {
    v1::OpenUDPSocket open;
    open.mutable_bound()->set_local_address(address);
    return open;
  }

  static v1::UDPSocketRequest Join(uint64_t id,
                                   const std::string& group,
                                   std::optional<std::string> source = {}) {
    v1::UDPSocketRequest request;
    request.set_request_id(id);
    request.mutable_join_group()->set_group_address(group);
    if (source)
      request.mutable_join_group()->set_source_address(*source);
    return request;
  }

  static v1::UDPSocketRequest Leave(uint64_t id, const std::string& group) {
    v1::UDPSocketRequest request;
    request.set_request_id(id);
    request.mutable_leave_group()->set_group_address(group);
    return request;
  }

  void ExpectBroken(const grpc::Status& status,
                    grpc::StatusCode code,
                    const std::string& words) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_NE(status.error_message().find(words), std::string::npos)
        << status.error_message();
    EXPECT_EQ(kill(service_pid(), 0), 0) << "the service died";
  }
};

TEST_F(BrokenRendererTest, EachForbiddenRequestClosesItsSocket) {
  ExpectBroken(Run(Bound("0.0.0.0"), {Join(2, "10.1.1.1")}),
               grpc::StatusCode::INVALID_ARGUMENT, "not a multicast address");
  ExpectBroken(Run(Bound("0.0.0.0"), {Join(2, "232.1.1.1", "239.0.0.1")}),
               grpc::StatusCode::INVALID_ARGUMENT, "is a multicast address");
  ExpectBroken(Run(Bound("0.0.0.0"), {Join(2, "232.1.1.1", "0.0.0.0")}),
               grpc::StatusCode::INVALID_ARGUMENT, "unspecified");
  ExpectBroken(Run(Bound("0.0.0.0"), {Join(2, "232.1.1.1", "fd78::1")}),
               grpc::StatusCode::INVALID_ARGUMENT, "same version");
  ExpectBroken(Run(Bound("0.0.0.0"), {Join(2, "ff0e::1")}),
               grpc::StatusCode::FAILED_PRECONDITION, "IPv4 socket");
  ExpectBroken(
      Run(Bound("0.0.0.0"), {Join(2, "239.1.1.1"), Join(3, "239.1.1.1")}),
      grpc::StatusCode::FAILED_PRECONDITION, "239.1.1.1: already joined");
  ExpectBroken(Run(Bound("0.0.0.0"),
                   {Join(2, "239.1.1.1"), Join(3, "239.1.1.1", "10.78.0.1")}),
               grpc::StatusCode::FAILED_PRECONDITION, "cannot be mixed");
  ExpectBroken(Run(Bound("0.0.0.0"), {Leave(2, "239.1.1.1")}),
               grpc::StatusCode::FAILED_PRECONDITION, "not joined");
  v1::OpenUDPSocket connected;
  connected.mutable_connected()->set_remote_address("239.1.1.1");
  connected.mutable_connected()->set_remote_port(5000);
  ExpectBroken(Run(connected, {Join(2, "239.1.1.1")}),
               grpc::StatusCode::FAILED_PRECONDITION,
               "connected socket has no MulticastController");
  // No membership outlived its closed stream.
  EXPECT_FALSE(KernelHasGroup(Ip("239.1.1.1"))) << KernelMulticastTables();
}

}  // namespace
}  // namespace tests

int main(int argc, char** argv) {
  // Before any thread exists: unshare moves only the calling thread.
  absl::Status entered = tests::EnterPrivateNetworkNamespace();
  if (!entered.ok()) {
    std::fprintf(stderr, "multicast_integration_test: %s\n",
                 std::string(entered.message()).c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
