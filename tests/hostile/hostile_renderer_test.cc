// A compromised renderer against a real host and network service, in a
// private network namespace this test makes at start (root). Each case is an
// attack that once got past the boundary (docs/security.md); each asserts on
// what the kernel shows (datagrams it sent, what a socket received), not on
// what the service says of itself, and ends with the service alive.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/datagram_frame.h"
#include "common/datagram_frame_testing.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "host/host.h"
#include "proto/admin.grpc.pb.h"
#include "tests/hostile/policy_host.h"
#include "tests/hostile/raw_renderer.h"
#include "tests/kernel_multicast_state.h"
#include "tests/network_service_process.h"

namespace tests {
namespace {

namespace v1 = ::direct_sockets::v1;

constexpr int kOk = 0;
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kPermissionDenied = 7;

constexpr char kSender[] = "isolated-app://sender";
constexpr char kNoLoopback[] = "isolated-app://noloopback";
constexpr char kNoRule[] = "isolated-app://norule";
constexpr char kRateLimited[] = "isolated-app://ratelimited";
constexpr int kRate = 20;  // Its datagrams per second.

constexpr char kPolicy[] = R"({
  "DirectSocketsMulticastRules": [{
    "origins": ["isolated-app://sender"],
    "receive_groups": ["239.10.0.0/16"],
    "send_groups": ["239.10.0.0/16"],
    "ports": ["5000-5010"],
    "max_ttl": 2
  }, {
    "origins": ["isolated-app://noloopback"],
    "receive_groups": ["239.10.0.0/16"],
    "send_groups": ["239.10.0.0/16"],
    "ports": ["5000-5010"],
    "allow_loopback": false
  }, {
    "origins": ["isolated-app://ratelimited"],
    "send_groups": ["239.10.0.0/16"],
    "ports": ["5000-5010"],
    "max_datagrams_per_second": 20
  }]
})";

class HostileRendererTest : public ::testing::Test {
 protected:
  void SetUp() override { StartWith(kPolicy); }

  // A host and service under `policy_json` as the only policy file (none
  // if empty: an unmanaged device).
  void StartWith(const std::string& policy_json) {
    policy_host_ = std::make_unique<PolicyHost>(&loop_, policy_json);
    ASSERT_TRUE(policy_host_->Start().ok());
    host_ = &policy_host_->host();
    dir_ = policy_host_->policy_dir();
  }

  void TearDown() override {
    // The service survived every attack of the case.
    EXPECT_EQ(host_->service_restarts(), 0);
    renderers_.clear();
    policy_host_.reset();
  }

  RawRenderer* Renderer(const std::string& origin,
                        const std::vector<std::string>& permissions =
                            host::AppManifest::AllPermissions()) {
    absl::StatusOr<int> fd =
        host_->NewInProcessRendererChannel(origin, permissions);
    EXPECT_TRUE(fd.ok()) << fd.status();
    renderers_.push_back(std::make_unique<RawRenderer>(*fd));
    return renderers_.back().get();
  }

  // Opening `open` is refused with `code` and a message holding `words`.
  void ExpectOpenRefused(RawRenderer* renderer,
                         const v1::OpenUDPSocket& open,
                         int code,
                         const std::string& words) {
    auto socket = renderer->NewSocket();
    EXPECT_FALSE(socket->Open(open)) << open.DebugString();
    EXPECT_EQ(socket->end_status().error_code(), code)
        << socket->end_status().error_message();
    EXPECT_NE(socket->end_status().error_message().find(words),
              std::string::npos)
        << socket->end_status().error_message();
  }

  std::string AuditLog() const { return policy_host_->AuditLog(); }

  // A renderer of `origin` with its datagram pipe (`*pipe`, the test's to
  // close), and a socket opened as `open` that asked for the pipe (its
  // number in `*id`); null if it did not open.
  std::unique_ptr<RawRenderer::RawSocket> OpenPiped(const std::string& origin,
                                                    v1::OpenUDPSocket open,
                                                    int* pipe,
                                                    uint32_t* id) {
    absl::StatusOr<host::Host::RendererEnds> ends =
        host_->NewInProcessRendererEnds(origin);
    EXPECT_TRUE(ends.ok()) << ends.status();
    if (!ends.ok())
      return nullptr;
    renderers_.push_back(std::make_unique<RawRenderer>(ends->channel));
    *pipe = ends->datagram_pipe;
    open.set_receive_on_pipe(true);
    auto socket = renderers_.back()->NewSocket();
    if (!socket->Open(open))
      return nullptr;
    *id = socket->opened().pipe_socket_id();
    EXPECT_NE(*id, 0u);
    return socket;
  }

  // Both ways to send to 239.10.0.1:5004 are refused with `words`: a
  // connected socket to the group, and a bound socket's datagram to it.
  void ExpectGroupSendRefused(RawRenderer* renderer, const std::string& words) {
    ExpectOpenRefused(renderer, ConnectedOpen("239.10.0.1", 5004),
                      kPermissionDenied, words);
    auto bound = renderer->NewSocket();
    ASSERT_TRUE(bound->Open(BoundOpen("0.0.0.0", 0)));
    ExpectStatus(bound->Call(SendTo("239.10.0.1", 5004, "x")),
                 kPermissionDenied, words);
  }

  static void ExpectStatus(const v1::Status& status,
                           int code,
                           const std::string& words) {
    EXPECT_EQ(status.code(), code) << status.message();
    EXPECT_NE(status.message().find(words), std::string::npos)
        << status.message();
  }

  common::EventLoop loop_;
  std::unique_ptr<PolicyHost> policy_host_;
  host::Host* host_ = nullptr;  // policy_host_'s.
  std::vector<std::unique_ptr<RawRenderer>> renderers_;
  std::string dir_;  // The policy directory.
};

// inet_pton does not read these as IPv4, a resolver does (239.255.255.250,
// 239.11.0.1, ...): they are the groups they name, and the policy decides
// on those.
TEST_F(HostileRendererTest, NumericHostNamesAreTheGroupsTheyName) {
  RawRenderer* sender = Renderer(kSender);
  const int64_t sent_before = UDPDatagramsSentByKernel();
  for (const char* spelling :
       {"4026531834", "239.11.1", "0xef0b0102", "224.0.251", "0357.0.0.1"}) {
    SCOPED_TRACE(spelling);
    ExpectOpenRefused(sender, ConnectedOpen(spelling, 5004), kPermissionDenied,
                      "send_groups");
  }
  ExpectOpenRefused(sender, ConnectedOpen("1.2.3.4.5", 5004), kNotFound,
                    "ends in a number");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);

  // An allowed group in a short spelling is that group: it opens and sends.
  auto socket = sender->NewSocket();
  ASSERT_TRUE(socket->Open(ConnectedOpen("239.10.1", 5004)));
  ExpectStatus(socket->Call(SendConnected("x")), kOk, "");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before + 1);
}

// Remote port 0 is a peer the service connects to, as Chrome's does; what
// a send there gets is the kernel's to say, and the service stays whole.
TEST_F(HostileRendererTest, RemotePortZeroOpensAndTheKernelDecidesItsSends) {
  RawRenderer* app = Renderer(kSender);
  auto zero = app->NewSocket();
  ASSERT_TRUE(zero->Open(ConnectedOpen("127.0.0.1", 0)));
  for (int i = 0; i < 3; ++i)
    (void)zero->Call(SendConnected("to port 0"));
  auto plain = app->NewSocket();
  ASSERT_TRUE(plain->Open(ConnectedOpen("127.0.0.1", 5004)));
  ExpectStatus(plain->Call(SendConnected("x")), kOk, "");
}

TEST_F(HostileRendererTest, AnIpv4MappedAddressIsItsIpv4Address) {
  RawRenderer* sender = Renderer(kSender);
  const int64_t sent_before = UDPDatagramsSentByKernel();
  auto socket = sender->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("::", 5004)));
  ExpectStatus(socket->Call(SendTo("::ffff:239.11.0.1", 5004, "x")),
               kPermissionDenied, "send_groups: 239.11.0.1 is outside");
  ExpectStatus(socket->Call(SendTo("::ffff:224.0.0.251", 5004, "x")),
               kPermissionDenied, "discovery group");
  ExpectOpenRefused(sender, ConnectedOpen("::ffff:224.0.0.251", 5004),
                    kPermissionDenied, "224.0.0.251");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
  // A mapped address the rule allows goes out as IPv4.
  ExpectStatus(socket->Call(SendTo("::ffff:239.10.0.1", 5004, "x")), kOk, "");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before + 1);
}

TEST_F(HostileRendererTest, EveryMulticastSendNeedsThePermissionAndARule) {
  const int64_t sent_before = UDPDatagramsSentByKernel();
  ExpectGroupSendRefused(Renderer(kNoRule),
                         "no rule names isolated-app://norule");
  // A rule names the app, but its manifest lacks the multicast feature.
  ExpectGroupSendRefused(
      Renderer(kSender, {"direct-sockets", "direct-sockets-private"}),
      "direct-sockets-multicast");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
}

TEST_F(HostileRendererTest, AllowLoopbackFalseHoldsForSocketsWithoutOptions) {
  RawRenderer* app = Renderer(kNoLoopback);
  const int64_t sent_before = UDPDatagramsSentByKernel();
  // No multicast options: loopback is on (the spec's default).
  ExpectGroupSendRefused(app, "allow_loopback");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
  // With loopback off, as the rule asks, the same send goes.
  v1::OpenUDPSocket no_loop = BoundOpen("0.0.0.0", 0);
  no_loop.set_multicast_loopback(false);
  auto quiet = app->NewSocket();
  ASSERT_TRUE(quiet->Open(no_loop));
  ExpectStatus(quiet->Call(SendTo("239.10.0.1", 5004, "x")), kOk, "");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before + 1);
}

// With Linux's default IP_MULTICAST_ALL a socket bound to a port receives
// every group anyone on the machine joined, on that port.
TEST_F(HostileRendererTest, ASocketReceivesOnlyTheGroupsItJoined) {
  // Another program on the machine joins 239.10.0.9 (on any port).
  const int other = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(other, 0);
  ip_mreqn membership{};
  inet_pton(AF_INET, "239.10.0.9", &membership.imr_multiaddr);
  inet_pton(AF_INET, "10.78.0.1", &membership.imr_address);
  ASSERT_EQ(setsockopt(other, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership,
                       sizeof(membership)),
            0);

  RawRenderer* app = Renderer(kSender);
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5006)));
  ExpectStatus(socket->Call(Join("239.10.0.8")), kOk, "");
  ASSERT_TRUE(socket->Write(ReceiveMore(16)));

  // One sender, in order: first to the group the app did not join, then
  // to the one it did.
  const int sender = ::socket(AF_INET, SOCK_DGRAM, 0);
  in_addr interface_address;
  inet_pton(AF_INET, "10.78.0.1", &interface_address);
  setsockopt(sender, IPPROTO_IP, IP_MULTICAST_IF, &interface_address,
             sizeof(interface_address));
  auto send_to = [&](const char* group, const std::string& text) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(5006);
    inet_pton(AF_INET, group, &to.sin_addr);
    ASSERT_EQ(sendto(sender, text.data(), text.size(), 0,
                     reinterpret_cast<sockaddr*>(&to), sizeof(to)),
              static_cast<ssize_t>(text.size()));
  };
  send_to("239.10.0.9", "not joined");
  send_to("239.10.0.8", "joined");
  v1::UDPSocketEvent event;
  std::string first;
  while (first.empty() && socket->Read(&event)) {
    if (event.has_received() && event.received().datagrams_size() > 0)
      first = event.received().datagrams(0).data();
  }
  EXPECT_EQ(first, "joined");
  close(sender);
  close(other);
}

// One datagram from a program on this machine to 127.0.0.1:`port`.
void SendToLocalPort(uint32_t port, const std::string& text) {
  const int sender = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_storage to;
  const socklen_t to_length =
      common::IpAddress::Parse("127.0.0.1")
          ->ToSockaddr(static_cast<uint16_t>(port), &to);
  EXPECT_EQ(sendto(sender, text.data(), text.size(), 0,
                   reinterpret_cast<sockaddr*>(&to), to_length),
            static_cast<ssize_t>(text.size()));
  close(sender);
}

// Writes `message` into a renderer's end of its datagram pipe.
void WriteToPipe(int pipe, const void* message, size_t size) {
  EXPECT_EQ(send(pipe, message, size, MSG_NOSIGNAL | MSG_DONTWAIT),
            static_cast<ssize_t>(size));
}

void GrantOnPipe(int pipe, uint32_t socket_id, uint32_t count) {
  common::DatagramCredit credit;
  credit.socket_id = socket_id;
  credit.count = count;
  WriteToPipe(pipe, &credit, sizeof(credit));
}

// The next frame on `pipe` within 5 s, its datagrams' data (empty if none
// came). A frame of another socket than `socket_id` fails the test.
std::vector<std::string> NextFrame(int pipe, uint32_t socket_id) {
  std::vector<std::string> datagrams;
  pollfd readable{pipe, POLLIN, 0};
  if (poll(&readable, 1, 5000) != 1)
    return datagrams;
  std::string frame(common::DatagramFrame::kMaxBytes, '\0');
  const ssize_t got = recv(pipe, frame.data(), frame.size(), MSG_DONTWAIT);
  if (got <= 0)
    return datagrams;
  uint32_t framed_id = 0;
  datagrams = common::FrameDatagrams(
                  absl::string_view(frame.data(), static_cast<size_t>(got)),
                  &framed_id, /*with_senders=*/false)
                  .value_or(std::vector<std::string>{"(a broken frame)"});
  EXPECT_EQ(framed_id, socket_id);
  return datagrams;
}

// The datagram pipe (common/datagram_frame.h) takes receive credit and
// nothing else from a renderer: credit for a number that is not one of its
// sockets does nothing, a flood of credit is read a bounded batch at a time,
// and anything that is not exactly one credit message closes the pipe (its
// sockets go on over their streams). The service stays whole.
TEST_F(HostileRendererTest, TheDatagramPipeTakesOnlyCredit) {
  absl::StatusOr<host::Host::RendererEnds> ends =
      host_->NewInProcessRendererEnds(kSender);
  ASSERT_TRUE(ends.ok()) << ends.status();
  renderers_.push_back(std::make_unique<RawRenderer>(ends->channel));
  RawRenderer* app = renderers_.back().get();
  const int pipe = ends->datagram_pipe;
  v1::OpenUDPSocket open = BoundOpen("127.0.0.1", 0);
  open.set_receive_on_pipe(true);
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(open));
  const uint32_t socket_id = socket->opened().pipe_socket_id();
  ASSERT_NE(socket_id, 0u);
  const uint32_t port = socket->opened().local_port();

  // Credit for numbers that are not this socket's (no socket has them; the
  // service numbers sockets per channel) opens nothing.
  GrantOnPipe(pipe, socket_id + 1, 1000);
  GrantOnPipe(pipe, 0, 1000);
  // One credit on the pipe (none on the stream): one datagram comes, as
  // this socket's frame.
  GrantOnPipe(pipe, socket_id, 1);
  SendToLocalPort(port, "first");
  EXPECT_EQ(NextFrame(pipe, socket_id), std::vector<std::string>{"first"});

  // A flood of credit, as much as the pipe holds: the service reads it in
  // bounded batches and still answers the stream.
  common::DatagramCredit credit;
  credit.socket_id = socket_id + 1;
  credit.count = 0xffffffff;
  int flooded = 0;
  while (send(pipe, &credit, sizeof(credit), MSG_NOSIGNAL | MSG_DONTWAIT) ==
         static_cast<ssize_t>(sizeof(credit))) {
    ++flooded;
  }
  EXPECT_GT(flooded, 0);
  // (The policy refuses a join on this port: what counts is the answer.)
  ExpectStatus(socket->Call(Join("239.10.0.8")), kPermissionDenied,
               "is not allowed");

  // Not credit: the service closes the pipe (the renderer's end sees EOF).
  WriteToPipe(pipe, "garbage", 7);
  bool closed = false;
  std::string rest(common::DatagramFrame::kMaxBytes, '\0');
  for (int reads = 0; reads < 100 && !closed; ++reads) {
    pollfd readable{pipe, POLLIN, 0};
    if (poll(&readable, 1, 5000) != 1)
      break;
    closed = recv(pipe, rest.data(), rest.size(), MSG_DONTWAIT) == 0;
  }
  EXPECT_TRUE(closed) << "the service kept a pipe that carried garbage";
  // The socket goes on over its stream: credit there, a datagram as an event.
  ASSERT_TRUE(socket->Write(ReceiveMore(16)));
  SendToLocalPort(port, "second");
  v1::UDPSocketEvent event;
  std::string next;
  while (next.empty() && socket->Read(&event)) {
    if (event.has_received() && event.received().datagrams_size() > 0)
      next = event.received().datagrams(0).data();
  }
  EXPECT_EQ(next, "second");
  close(pipe);
}

// A renderer that closed its pipe and asks for datagrams there gets them as
// events (the service finds the pipe broken and falls back), and the
// service stays whole.
TEST_F(HostileRendererTest, ARendererThatClosedItsPipeGetsEvents) {
  RawRenderer* app = Renderer(kSender);  // Its pipe's end is closed.
  v1::OpenUDPSocket open = BoundOpen("127.0.0.1", 0);
  open.set_receive_on_pipe(true);
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(open));
  ASSERT_TRUE(socket->Write(ReceiveMore(16)));
  SendToLocalPort(socket->opened().local_port(), "hello");
  v1::UDPSocketEvent event;
  std::string first;
  while (first.empty() && socket->Read(&event)) {
    if (event.has_received() && event.received().datagrams_size() > 0)
      first = event.received().datagrams(0).data();
  }
  EXPECT_EQ(first, "hello");
}

// The next result on `pipe` within 5 s, as "request:CODE", or what
// came instead. A result for another socket than `socket_id` fails the test.
std::string NextPipeResult(int pipe, uint32_t socket_id) {
  pollfd readable{pipe, POLLIN, 0};
  if (poll(&readable, 1, 5000) != 1)
    return "(nothing)";
  std::string message(common::DatagramFrame::kMaxBytes, '\0');
  const ssize_t got = recv(pipe, message.data(), message.size(), MSG_DONTWAIT);
  if (got <= 0)
    return "(the pipe closed)";
  message.resize(static_cast<size_t>(got));
  uint32_t answered = 0;
  std::optional<std::string> result = common::ResultText(message, &answered);
  if (!result)
    return "(not a send result)";
  EXPECT_EQ(answered, socket_id);
  return *result;
}

void WriteToPipe(int pipe, const std::string& message) {
  WriteToPipe(pipe, message.data(), message.size());
}

// Sends on the datagram pipe are the stream's sends in another form: the
// same rules decide them (a group no rule allows is refused, and nothing
// goes out), a frame for a number that is not one of the renderer's sockets
// sends nothing, and a renderer that piles sends behind one the app's rate
// holds loses its socket before the service holds more than a bound.
TEST_F(HostileRendererTest, SendsOnThePipeAreCheckedAsTheStreamsAre) {
  int pipe = -1;
  uint32_t id = 0;
  auto socket = OpenPiped(kSender, BoundOpen("0.0.0.0", 0), &pipe, &id);
  ASSERT_NE(socket, nullptr);
  // A receiver of the test's own on loopback.
  const int sink = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_storage local;
  socklen_t local_length =
      common::IpAddress::Parse("127.0.0.1")->ToSockaddr(0, &local);
  ASSERT_EQ(bind(sink, reinterpret_cast<sockaddr*>(&local), local_length), 0);
  ASSERT_EQ(
      getsockname(sink, reinterpret_cast<sockaddr*>(&local), &local_length), 0);
  const uint16_t port =
      common::SockaddrPort(reinterpret_cast<sockaddr*>(&local));
  const int64_t sent_before = UDPDatagramsSentByKernel();

  WriteToPipe(pipe, common::SendFrameBytes(id, 2, {{"x", "239.99.0.1", 5004}}));
  EXPECT_EQ(NextPipeResult(pipe, id), "2:PERMISSION_DENIED");
  WriteToPipe(pipe, common::SendFrameBytes(id + 1, 3,
                                           {{"not mine", "127.0.0.1", port}}));
  WriteToPipe(pipe,
              common::SendFrameBytes(id, 4, {{"mine", "127.0.0.1", port}}));
  EXPECT_EQ(NextPipeResult(pipe, id), "4:OK");
  char got[64];
  EXPECT_EQ(recv(sink, got, sizeof(got), 0), 4);
  EXPECT_EQ(std::string(got, 4), "mine");
  EXPECT_LT(recv(sink, got, sizeof(got), 0), 0) << "another datagram came";
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before + 1);
  close(sink);

  // The rate-limited app's bucket starts empty: its first group send is
  // held, and the sends piled behind it cost it the socket.
  int limited_pipe = -1;
  uint32_t held_id = 0;
  auto held =
      OpenPiped(kRateLimited, BoundOpen("0.0.0.0", 0), &limited_pipe, &held_id);
  ASSERT_NE(held, nullptr);
  const int64_t limited_before = UDPDatagramsSentByKernel();
  const absl::Time start = absl::Now();
  for (uint64_t request = 1; request <= 40; ++request) {
    WriteToPipe(
        limited_pipe,
        common::SendFrameBytes(held_id, request, {{"r", "239.10.0.1", 5004}}));
  }
  v1::UDPSocketEvent event;
  while (held->Read(&event)) {
  }
  const grpc::Status ended = held->Finish();  // Its status, once it ended.
  EXPECT_EQ(ended.error_code(), grpc::RESOURCE_EXHAUSTED)
      << ended.error_message();
  EXPECT_NE(ended.error_message().find("in flight"), std::string::npos)
      << ended.error_message();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_LE(UDPDatagramsSentByKernel() - limited_before,
            static_cast<int64_t>(kRate * seconds) + 2);
  close(pipe);
  close(limited_pipe);
}

// Joins and leaves on the datagram pipe are the stream's in another form:
// the policy decides each (a group no rule allows is refused and the kernel
// holds nothing), a join for a number that is not one of the renderer's
// sockets joins nothing, and a group carrying fields no renderer sends
// closes the pipe.
TEST_F(HostileRendererTest, JoinsOnThePipeAreCheckedAsTheStreamsAre) {
  int pipe = -1;
  uint32_t id = 0;
  auto socket = OpenPiped(kSender, BoundOpen("0.0.0.0", 5004), &pipe, &id);
  ASSERT_NE(socket, nullptr);
  auto membership = [](uint32_t socket_id, uint64_t request, bool join,
                       const std::string& group_address) {
    v1::MulticastGroup group;
    group.set_group_address(group_address);
    return common::DatagramMembership::Encode(socket_id, request, join,
                                              group.SerializeAsString());
  };
  const common::IpAddress refused = *common::IpAddress::Parse("239.99.0.1");
  const common::IpAddress allowed = *common::IpAddress::Parse("239.10.0.7");
  WriteToPipe(pipe, membership(id, 2, true, "239.99.0.1"));
  EXPECT_EQ(NextPipeResult(pipe, id), "2:PERMISSION_DENIED");
  WriteToPipe(pipe, membership(id + 1, 3, true, "239.10.0.7"));
  WriteToPipe(pipe, membership(id, 4, true, "239.10.0.7"));
  EXPECT_EQ(NextPipeResult(pipe, id), "4:OK");
  EXPECT_FALSE(KernelHasGroup(refused));
  EXPECT_TRUE(KernelHasGroup(allowed));
  WriteToPipe(pipe, membership(id, 5, false, "239.10.0.7"));
  EXPECT_EQ(NextPipeResult(pipe, id), "5:OK");
  EXPECT_FALSE(KernelHasGroup(allowed));

  v1::MulticastGroup group;
  group.set_group_address("239.10.0.8");
  group.GetReflection()->MutableUnknownFields(&group)->AddVarint(99, 1);
  WriteToPipe(pipe, common::DatagramMembership::Encode(
                        id, 6, true, group.SerializeAsString()));
  EXPECT_EQ(NextPipeResult(pipe, id), "(the pipe closed)");
  EXPECT_FALSE(KernelHasGroup(*common::IpAddress::Parse("239.10.0.8")));
  // The socket goes on over its stream.
  ExpectStatus(socket->Call(Join("239.10.0.8")), kOk, "");
  close(pipe);
}

// A datagram to a group of `count` datagrams, for a socket of a bound
// renderer.
v1::UDPSocketRequest GroupBatch(int count, uint64_t id) {
  v1::UDPSocketRequest request = SendTo("239.10.0.1", 5004, "r");
  for (int i = 1; i < count; ++i)
    *request.mutable_send()->add_datagrams() = request.send().datagrams(0);
  request.set_request_id(id);
  return request;
}

// The rate is the app's: parallel sockets, new sockets and big batches
// share one bucket, which starts empty and is charged before each datagram.
TEST_F(HostileRendererTest, TheSendRateIsPerAppWhateverItsSockets) {
  RawRenderer* app = Renderer(kRateLimited);
  std::vector<std::unique_ptr<RawRenderer::RawSocket>> sockets;
  const int64_t sent_before = UDPDatagramsSentByKernel();
  const absl::Time start = absl::Now();
  for (int i = 0; i < 16; ++i) {
    sockets.push_back(app->NewSocket());
    ASSERT_TRUE(sockets.back()->Open(BoundOpen("0.0.0.0", 0)));
    ASSERT_TRUE(sockets.back()->Write(GroupBatch(200, 2)));
  }
  // A window of about two seconds (nothing to wait on: this measures how
  // much the service lets through while the renderer pushes).
  loop_.RunUntil([] { return false; }, absl::Seconds(2));
  const int64_t sent = UDPDatagramsSentByKernel() - sent_before;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("16 sockets x 200 datagrams at %d/s: %lld sent in %.2f s\n",
              kRate, static_cast<long long>(sent), seconds);
  // The bucket holds at most 2 datagrams (a tenth of a second's worth).
  EXPECT_LE(sent, static_cast<int64_t>(kRate * seconds) + 2);
  EXPECT_GE(sent, kRate);  // And it is a rate, not a wall.
}

// A send the rate holds goes with its renderer: no socket, descriptor or
// datagram is left behind when the renderer dies.
TEST_F(HostileRendererTest, AHeldSendDiesWithItsRenderer) {
  // A first renderer and socket let gRPC make what it keeps (threads,
  // pollers), so that the count below is the dying renderer's alone.
  auto warm_up = Renderer(kSender)->NewSocket();
  ASSERT_TRUE(warm_up->Open(ConnectedOpen("127.0.0.1", 5004)));
  warm_up->Finish();
  const int fds_before = OpenFdCountOf(host_->network_service_pid());
  {
    RawRenderer* app = Renderer(kRateLimited);
    auto socket = app->NewSocket();
    ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 0)));
    // 100 datagrams at 20/s: held for five seconds.
    ASSERT_TRUE(socket->Write(GroupBatch(100, 2)));
    socket.reset();
    renderers_.pop_back();  // Its channel closes: the renderer is gone.
  }
  ASSERT_TRUE(loop_.RunUntil(
      [&] { return OpenFdCountOf(host_->network_service_pid()) <= fds_before; },
      absl::Seconds(5), absl::Milliseconds(10)))
      << OpenFdCountOf(host_->network_service_pid()) << " descriptors, "
      << fds_before << " before";
  // Nothing more goes out once it is gone (the timer would fire every
  // 50 ms).
  const int64_t sent_at_death = UDPDatagramsSentByKernel();
  loop_.RunUntil([] { return false; }, absl::Milliseconds(500));
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_at_death);
}

// A connected socket to a loopback or private address is Local Network
// Access, as a bound socket is: the feature, and the private-network policy.
TEST_F(HostileRendererTest, ConnectedSocketsNeedLocalNetworkAccess) {
  const int64_t sent_before = UDPDatagramsSentByKernel();
  RawRenderer* local_only =
      Renderer(kSender, {"direct-sockets", "local-network"});
  ExpectOpenRefused(local_only, ConnectedOpen("127.0.0.1", 5004),
                    kPermissionDenied, "loopback-network");
  ExpectOpenRefused(local_only, ConnectedOpen("0x7f.1", 5004),
                    kPermissionDenied, "loopback-network");
  ExpectOpenRefused(local_only, ConnectedOpen("::ffff:127.0.0.1", 5004),
                    kPermissionDenied, "loopback-network");
  RawRenderer* public_only = Renderer(kSender, {"direct-sockets"});
  ExpectOpenRefused(public_only, ConnectedOpen("10.78.0.2", 5004),
                    kPermissionDenied, "local-network");
  ExpectOpenRefused(public_only, ConnectedOpen("localhost", 5004),
                    kPermissionDenied, "loopback-network");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
  auto socket = local_only->NewSocket();
  ASSERT_TRUE(socket->Open(ConnectedOpen("10.78.0.2", 5004)));
}

class PrivateNetworkBlockedTest : public HostileRendererTest {
 protected:
  void SetUp() override {
    StartWith(R"({"DefaultDirectSocketsPrivateNetworkAccessSetting": 2})");
  }
};

TEST_F(PrivateNetworkBlockedTest, ThePolicyHoldsForConnectedSocketsToo) {
  RawRenderer* app = Renderer(kSender);
  const int64_t sent_before = UDPDatagramsSentByKernel();
  for (const char* peer : {"10.78.0.2", "127.0.0.1", "localhost", "fd78::2"}) {
    SCOPED_TRACE(peer);
    ExpectOpenRefused(app, ConnectedOpen(peer, 5004), kPermissionDenied,
                      "DefaultDirectSocketsPrivateNetworkAccessSetting is 2");
  }
  ExpectOpenRefused(app, BoundOpen("0.0.0.0", 5004), kPermissionDenied,
                    "DefaultDirectSocketsPrivateNetworkAccessSetting is 2");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
}

// No policy directory: an unmanaged device, where no app may use multicast
// (Chrome's defaults for the rest).
class UnmanagedByDefaultTest : public HostileRendererTest {
 protected:
  void SetUp() override { StartWith(""); }
};

// A caller no host vouched for (the standalone service's listening socket,
// for development) is no isolated app: a rule for "isolated-app://*" does
// not name it.
TEST(UnboundCallerTest, NoWildcardRuleNamesIt) {
  common::EventLoop loop;
  PolicyHost policy(&loop, R"({"DirectSocketsMulticastRules": [{
    "origins": ["isolated-app://*"],
    "receive_groups": ["239.10.0.0/16"], "send_groups": ["239.10.0.0/16"],
    "ports": ["5000-5010"]}]})");
  NetworkServiceProcess service;
  ASSERT_TRUE(service.Start(policy.policy_dir()).ok());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s",
                service.socket_path().c_str());
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  RawRenderer unbound(fd);
  auto socket = unbound.NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5004)));
  const v1::Status joined = socket->Call(Join("239.10.0.1"));
  EXPECT_EQ(joined.code(), kPermissionDenied) << joined.message();
  EXPECT_NE(joined.message().find("no rule names (no app: listening socket)"),
            std::string::npos)
      << joined.message();
  EXPECT_FALSE(KernelHasGroup(*common::IpAddress::Parse("239.10.0.1")));
}

TEST_F(UnmanagedByDefaultTest, NoAppMayUseMulticast) {
  RawRenderer* app = Renderer(kSender);
  const int64_t sent_before = UDPDatagramsSentByKernel();
  ExpectGroupSendRefused(app, "not managed");
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5004)));
  ExpectStatus(socket->Call(Join("239.10.0.1")), kPermissionDenied,
               "not managed");
  EXPECT_EQ(UDPDatagramsSentByKernel(), sent_before);
  EXPECT_FALSE(KernelHasGroup(*common::IpAddress::Parse("239.10.0.1")));
  // Plain unicast works.
  auto plain = app->NewSocket();
  ASSERT_TRUE(plain->Open(ConnectedOpen("10.78.0.2", 5004)));
  ExpectStatus(plain->Call(SendConnected("x")), kOk, "");
}

// What a renderer sends comes back in messages and logs cut short and
// escaped: never a megabyte, never a second line.
TEST_F(HostileRendererTest, RenderersTextIsCutAndEscapedInAnswers) {
  RawRenderer* app = Renderer(kSender);
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5004)));
  socket->Call(Join(std::string(300 * 1024, 'g')));
  const std::string& message = socket->end_status().error_message();
  EXPECT_LT(message.size(), 1024u) << message.substr(0, 200);
  EXPECT_NE(message.find("(+"), std::string::npos) << message;
  ExpectOpenRefused(app, ConnectedOpen("evil\n\x1b[31mname", 5004), kNotFound,
                    "evil\\x0a\\x1b[31mname");
}

// Repeated refusals are folded in the audit log, and counted: the lines
// written and the counts they carry add up to every refusal.
TEST_F(HostileRendererTest, RepeatedRefusalsAreFoldedAndCounted) {
  RawRenderer* app = Renderer(kSender);
  auto socket = app->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5004)));
  constexpr int kRefusals = 500;
  for (int i = 0; i < kRefusals; ++i) {
    ExpectStatus(socket->Call(SendTo("239.11.0.1", 5004, "x")),
                 kPermissionDenied, "send_groups");
  }
  auto counted = [&] {
    int lines = 0, folded = 0;
    std::stringstream log(AuditLog());
    std::string line;
    while (std::getline(log, line)) {
      if (line.find("\"send_groups") == std::string::npos &&
          line.find("send_groups\"") == std::string::npos) {
        continue;
      }
      const size_t count = line.find("\"count\":");
      const size_t before = line.find("\"folded_before\":");
      if (count != std::string::npos) {
        folded += std::stoi(line.substr(count + 8));
      } else {
        ++lines;
        if (before != std::string::npos)
          folded += std::stoi(line.substr(before + 16));
      }
    }
    return std::make_pair(lines, folded);
  };
  // The folded count is written once its second is over.
  ASSERT_TRUE(loop_.RunUntil(
      [&] {
        auto [lines, folded] = counted();
        return lines + folded == kRefusals;
      },
      absl::Seconds(5), absl::Milliseconds(50)))
      << AuditLog().substr(0, 2000);
  auto [lines, folded] = counted();
  std::printf("%d refusals: %d audit lines, %d folded into counts\n", kRefusals,
              lines, folded);
  EXPECT_LT(lines, kRefusals / 10);
}

// An admin's typo during live reload (a Latin-1 byte in an origin) is
// refused with the last good policy kept, and logged; it once aborted the
// service when the audit line was written.
TEST_F(HostileRendererTest, APolicyFileThatIsNotUtf8LeavesTheServiceUp) {
  // The service is up with its policy (it reads the directory as it starts).
  auto socket = Renderer(kSender)->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 0)));
  ExpectStatus(socket->Call(SendTo("239.10.0.1", 5004, "x")), kOk, "");
  const std::string staged = dir_ + "/.20-typo.json.tmp";
  std::ofstream(staged) << "{\"DirectSocketsAllowedForUrls\": "
                           "[\"isolated-app://caf\xe9\"]}";
  ASSERT_EQ(std::rename(staged.c_str(), (dir_ + "/20-typo.json").c_str()), 0);
  ASSERT_TRUE(loop_.RunUntil(
      [&] {
        return AuditLog().find("\"event\":\"policy-refused\"") !=
               std::string::npos;
      },
      absl::Seconds(5), absl::Milliseconds(20)))
      << AuditLog();
  // The last good policy still holds.
  ExpectStatus(socket->Call(SendTo("239.10.0.1", 5004, "x")), kOk, "");
  ExpectStatus(socket->Call(SendTo("239.11.0.1", 5004, "x")), kPermissionDenied,
               "send_groups");
}

// Every open refused before the socket exists (validation, policy, the
// manifest), and a join before open, once freed the socket's host under its
// own call. ASan (--config=asan) reports the use; here the service must
// simply live on and keep no descriptor.
TEST_F(HostileRendererTest, RefusedOpensLeaveTheServiceWhole) {
  RawRenderer* app = Renderer(kNoRule, {"direct-sockets"});
  RawRenderer* sender = Renderer(kSender);
  // A first socket lets gRPC make what it keeps (threads, pollers).
  auto warm_up = sender->NewSocket();
  ASSERT_TRUE(warm_up->Open(ConnectedOpen("127.0.0.1", 5004)));
  warm_up->Finish();
  const int fds_before = OpenFdCountOf(host_->network_service_pid());
  for (int i = 0; i < 50; ++i) {
    ExpectOpenRefused(app, BoundOpen("0.0.0.0", 80), kPermissionDenied,
                      "below 1024");
    ExpectOpenRefused(app, BoundOpen("0.0.0.0", 5004), kPermissionDenied,
                      "direct-sockets-private");
    ExpectOpenRefused(app, ConnectedOpen("", 5004), kNotFound,
                      "Hostname couldn't be resolved.");
    auto early = app->NewSocket();
    v1::UDPSocketRequest join = Join("239.10.0.1");
    join.set_request_id(1);
    ASSERT_TRUE(early->Write(join));
    early->Finish();
    EXPECT_NE(early->end_status().error_code(), kOk);
  }
  auto socket = sender->NewSocket();
  EXPECT_TRUE(socket->Open(ConnectedOpen("127.0.0.1", 5004)));
  socket->Finish();
  EXPECT_TRUE(loop_.RunUntil(
      [&] { return OpenFdCountOf(host_->network_service_pid()) <= fds_before; },
      absl::Seconds(5), absl::Milliseconds(10)))
      << OpenFdCountOf(host_->network_service_pid()) << " descriptors, "
      << fds_before << " before";
}

// The admin interface answers on the admin socket alone: asked on a
// renderer's own channel it is a service the channel does not have.
TEST_F(HostileRendererTest, TheAdminInterfaceIsNotOnARenderersChannel) {
  namespace admin = ::direct_sockets::admin::v1;
  RawRenderer* renderer = Renderer(kSender);
  auto socket = renderer->NewSocket();
  ASSERT_TRUE(socket->Open(BoundOpen("0.0.0.0", 5004)));
  auto GetState = [](const std::shared_ptr<grpc::Channel>& channel,
                     admin::ServiceState* state) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    return admin::Admin::NewStub(channel)->GetState(
        &context, admin::GetStateRequest(), state);
  };
  admin::ServiceState state;
  grpc::Status status = GetState(renderer->channel(), &state);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
      << status.error_message();
  EXPECT_EQ(state.apps_size(), 0);

  status = GetState(grpc::CreateChannel("unix:" + policy_host_->admin_socket(),
                                        grpc::InsecureChannelCredentials()),
                    &state);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(state.apps_size(), 1);
  EXPECT_EQ(state.apps(0).origin(), kSender);
  ASSERT_EQ(state.apps(0).sockets_size(), 1);
  EXPECT_EQ(state.apps(0).sockets(0).local_port(), 5004u);
}

}  // namespace
}  // namespace tests
