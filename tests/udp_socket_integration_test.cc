// End-to-end tests: the real network_service binary as a child process, the
// renderer library in this process, and plain UDP peers on loopback.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"
#include "tests/network_service_process.h"
#include "tests/service_fixture.h"
#include "tests/socket_holder_process.h"
#include "tests/udp_peer.h"

namespace tests {
namespace {

using ::renderer::NetworkServiceConnection;
using ::renderer::Promise;
using ::renderer::ReadResult;
using ::renderer::UDPMessage;
using ::renderer::UDPSocket;
using ::renderer::UDPSocketOpenInfo;
using ::renderer::UDPSocketOptions;
using ::renderer::Undefined;
namespace v1 = ::direct_sockets::v1;

// IPv4 and IPv6 loopback.
class UDPExchangeTest : public ServiceTest,
                        public ::testing::WithParamInterface<const char*> {};

TEST_P(UDPExchangeTest, ConnectedSocketExchangesDatagramsWithAPeer) {
  UDPPeer peer(GetParam());
  ASSERT_TRUE(peer.ok());
  UDPSocketOptions options;
  options.remoteAddress = GetParam();
  options.remotePort = peer.port();
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(info.remoteAddress, std::string(GetParam()));
  EXPECT_EQ(info.remotePort, peer.port());
  EXPECT_EQ(info.localAddress, std::string(GetParam()));
  EXPECT_NE(info.localPort, 0);

  auto written = info.writable->Write(Text("ping"));
  ASSERT_TRUE(Settle(written));
  ASSERT_TRUE(written.is_fulfilled()) << written.error().ToString();
  auto got = peer.Receive(kBound);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, "ping");
  EXPECT_EQ(got->from_port, info.localPort);

  ASSERT_TRUE(peer.SendTo("pong", got->from));
  auto read = info.readable->Read();
  ASSERT_TRUE(Settle(read));
  ASSERT_TRUE(read.is_fulfilled()) << read.error().ToString();
  EXPECT_EQ(AsText(*read.value().value), "pong");
  // Connected mode: messages carry no address.
  EXPECT_FALSE(read.value().value->remoteAddress.has_value());

  auto closed = socket->close();
  ASSERT_TRUE(Settle(closed));
  EXPECT_TRUE(closed.is_fulfilled()) << closed.error().ToString();
  EXPECT_EQ(service_.UDPSocketsOnPort(info.localPort).count, 0);
}

TEST_P(UDPExchangeTest, BoundSocketExchangesDatagramsWithAPeer) {
  UDPPeer peer(GetParam());
  ASSERT_TRUE(peer.ok());
  UDPSocketOptions options;
  options.localAddress = GetParam();
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  EXPECT_FALSE(info.remoteAddress.has_value());
  EXPECT_EQ(info.localAddress, std::string(GetParam()));
  EXPECT_EQ(service_.UDPSocketsOnPort(info.localPort).count, 1);

  ASSERT_TRUE(peer.SendTo("hello", GetParam(), info.localPort));
  auto read = info.readable->Read();
  ASSERT_TRUE(Settle(read));
  ASSERT_TRUE(read.is_fulfilled()) << read.error().ToString();
  const UDPMessage& message = *read.value().value;
  EXPECT_EQ(AsText(message), "hello");
  EXPECT_EQ(message.remoteAddress, std::string(GetParam()));
  EXPECT_EQ(message.remotePort, peer.port());

  UDPMessage reply = Text("hi back");
  reply.remoteAddress = message.remoteAddress;
  reply.remotePort = message.remotePort;
  auto written = info.writable->Write(reply);
  ASSERT_TRUE(Settle(written));
  EXPECT_TRUE(written.is_fulfilled()) << written.error().ToString();
  auto got = peer.Receive(kBound);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, "hi back");
}

TEST_P(UDPExchangeTest, TenThousandDatagramsArriveCompleteAndInOrder) {
  UDPSocketOptions options;
  options.localAddress = GetParam();
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);

  // The peer keeps at most `kWindow` datagrams unanswered: well within the
  // socket buffers, so loss would be the service's fault.
  constexpr int kCount = 10000;
  constexpr int kWindow = 16;
  std::atomic<int> peer_errors{0};
  std::atomic<int> echoes_in_order{0};
  std::thread peer_thread([&] {
    // However the peer ends, wake the loop so it sees the counters.
    struct WakeLoop {
      common::EventLoop* loop;
      ~WakeLoop() {
        loop->PostTask([] {});
      }
    } wake{&loop_};
    UDPPeer peer(GetParam());
    int sent = 0;
    for (; sent < kWindow; ++sent) {
      peer.SendTo(absl::StrCat("n", sent), GetParam(), info.localPort);
    }
    for (int expected = 0; expected < kCount; ++expected) {
      auto echo = peer.Receive(kBound);
      if (!echo || echo->data != absl::StrCat("n", expected)) {
        ++peer_errors;
        return;
      }
      ++echoes_in_order;
      if (sent < kCount) {
        peer.SendTo(absl::StrCat("n", sent++), GetParam(), info.localPort);
      }
    }
  });

  // The renderer echoes every datagram back, checking order on its side.
  int received = 0;
  int out_of_order = 0;
  std::function<void()> read_next = [&] {
    info.readable->Read().Then([&](const Promise<ReadResult>::Result& r) {
      if (!std::holds_alternative<ReadResult>(r))
        return;
      const UDPMessage& message = *std::get<ReadResult>(r).value;
      if (AsText(message) != absl::StrCat("n", received))
        ++out_of_order;
      ++received;
      info.writable->Write(message);
      if (received < kCount)
        read_next();
    });
  };
  read_next();
  const bool done = loop_.RunUntil(
      [&] { return echoes_in_order == kCount || peer_errors > 0; },
      absl::Seconds(60));
  peer_thread.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(received, kCount);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(peer_errors, 0);
  EXPECT_EQ(echoes_in_order, kCount);
}

INSTANTIATE_TEST_SUITE_P(Loopback,
                         UDPExchangeTest,
                         ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) {
                           return std::string(info.param) == "::1" ? "IPv6"
                                                                   : "IPv4";
                         });

TEST_F(ServiceTest, ASlowReaderMakesTheKernelDropNotTheServiceQueue) {
  UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  options.receiveBufferSize = 64 * 1024;
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  const int64_t rss_before = service_.ResidentKb();

  // The page reads nothing. The peer floods 20 MB.
  UDPPeer peer("127.0.0.1");
  const std::string payload(1000, 'x');
  constexpr int kFlood = 20000;
  for (int i = 0; i < kFlood; ++i) {
    peer.SendTo(payload, "127.0.0.1", info.localPort);
    if (i % 1000 == 0)
      loop_.RunUntil([] { return false; }, absl::ZeroDuration());
  }
  // The kernel's drop counter is the event: wait (bounded) until it shows.
  ASSERT_TRUE(loop_.RunUntil(
      [&] { return service_.UDPSocketsOnPort(info.localPort).drops > 0; },
      kBound, absl::Milliseconds(10)));
  const int64_t drops = service_.UDPSocketsOnPort(info.localPort).drops;
  const int64_t rss_after = service_.ResidentKb();
  std::printf(
      "slow reader: %lld of %d dropped by the kernel; service RSS "
      "%lld -> %lld KiB; renderer queue %zu\n",
      static_cast<long long>(drops), kFlood, static_cast<long long>(rss_before),
      static_cast<long long>(rss_after), info.readable->queued());
  EXPECT_GT(drops, kFlood / 2);
  // The renderer holds no more than its high-water mark...
  EXPECT_LE(info.readable->queued(),
            size_t{renderer::UDPReadableStream::kHighWaterMark});
  // ...and the service did not queue the flood (20 MB) either.
  EXPECT_LT(rss_after - rss_before, 8 * 1024 * kSanitizerMemoryFactor);

  // Reading resumes delivery: what the kernel kept still arrives.
  auto read = info.readable->Read();
  ASSERT_TRUE(Settle(read));
  EXPECT_TRUE(read.is_fulfilled());
}

TEST_F(ServiceTest, TwoHundredOpenCloseCyclesLeakNoFileDescriptor) {
  // Warm up: gRPC opens its own fds with the first call.
  {
    UDPSocketOptions options;
    options.localAddress = "127.0.0.1";
    UDPSocketOpenInfo info;
    auto socket = Open(options, &info);
    ASSERT_NE(socket, nullptr);
    auto closed = socket->close();
    ASSERT_TRUE(Settle(closed));
  }
  const int fds_before = service_.OpenFdCount();
  ASSERT_GT(fds_before, 0);
  for (int i = 0; i < 200; ++i) {
    UDPSocketOptions options;
    options.localAddress = i % 2 ? "127.0.0.1" : "::1";
    UDPSocketOpenInfo info;
    auto socket = Open(options, &info);
    ASSERT_NE(socket, nullptr);
    auto closed = socket->close();
    // `closed` settles after the service has closed the socket.
    ASSERT_TRUE(Settle(closed));
    ASSERT_TRUE(closed.is_fulfilled()) << closed.error().ToString();
  }
  EXPECT_EQ(service_.OpenFdCount(), fds_before);
}

TEST_F(ServiceTest, KillingTheServiceErrorsTheSocketWithinASecond) {
  UDPPeer peer("127.0.0.1");
  UDPSocketOptions options;
  options.remoteAddress = "127.0.0.1";
  options.remotePort = peer.port();
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  auto pending_read = info.readable->Read();
  service_.Kill();
  // A write made as the service dies is pending, then fails.
  auto pending_write = info.writable->Write(Text("too late"));

  const absl::Time start = absl::Now();
  ASSERT_TRUE(loop_.RunUntil(
      [&] {
        return pending_read.is_settled() && socket->closed().is_settled() &&
               pending_write.is_settled();
      },
      absl::Seconds(1)));
  std::printf("errors seen %s after the kill\n",
              absl::FormatDuration(absl::Now() - start).c_str());
  ASSERT_TRUE(pending_read.is_rejected());
  EXPECT_EQ(pending_read.error().name(), "NetworkError");
  ASSERT_TRUE(socket->closed().is_rejected());
  EXPECT_EQ(socket->closed().error().name(), "NetworkError");
  EXPECT_NE(socket->closed().error().message().find("network service"),
            std::string::npos);
  ASSERT_TRUE(pending_write.is_rejected());
  EXPECT_EQ(pending_write.error().name(), "NetworkError");
  // Later calls fail at once rather than hang.
  EXPECT_TRUE(info.readable->Read().is_rejected());
  EXPECT_TRUE(info.writable->Write(Text("x")).is_rejected());
}

TEST_F(ServiceTest, ServiceNotRunningRejectsOpenedWithNetworkError) {
  NetworkServiceConnection nowhere(&loop_, service_.directory() + "/absent");
  UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  auto socket = UDPSocket::Create(&nowhere, options);
  ASSERT_TRUE(socket.ok());
  ASSERT_TRUE(Settle(socket.value()->opened()));
  ASSERT_TRUE(socket.value()->opened().is_rejected());
  EXPECT_EQ(socket.value()->opened().error().name(), "NetworkError");
  EXPECT_NE(socket.value()->opened().error().message().find(
                "cannot reach the network service"),
            std::string::npos);
  ASSERT_TRUE(Settle(socket.value()->closed()));
  EXPECT_EQ(socket.value()->closed().error().name(), "NetworkError");
  // close() after a failed open is `closed`, as in Chrome.
  EXPECT_EQ(socket.value()->close().error().name(), "NetworkError");
}

TEST_F(ServiceTest, OpenErrorsFromTheSystemAndTheRules) {
  // A privileged port: InvalidAccessError on `opened` (Chrome 156's
  // answer), not a throw.
  UDPSocketOptions privileged;
  privileged.localAddress = "127.0.0.1";
  privileged.localPort = 80;
  auto socket = UDPSocket::Create(connection_.get(), privileged);
  ASSERT_TRUE(socket.ok());
  ASSERT_TRUE(Settle(socket.value()->opened()));
  EXPECT_EQ(socket.value()->opened().error().name(), "InvalidAccessError");

  // A port in use: the OS refuses, NetworkError names the address.
  UDPPeer peer("127.0.0.1");
  UDPSocketOptions taken;
  taken.localAddress = "127.0.0.1";
  taken.localPort = peer.port();
  auto busy = UDPSocket::Create(connection_.get(), taken);
  ASSERT_TRUE(busy.ok());
  ASSERT_TRUE(Settle(busy.value()->opened()));
  ASSERT_TRUE(busy.value()->opened().is_rejected());
  EXPECT_EQ(busy.value()->opened().error().name(), "NetworkError");
  EXPECT_NE(busy.value()->opened().error().message().find("in use"),
            std::string::npos)
      << busy.value()->opened().error().message();

  // A host name that does not resolve.
  UDPSocketOptions unknown;
  unknown.remoteAddress = "no-such-host.invalid";
  unknown.remotePort = 9;
  auto nameless = UDPSocket::Create(connection_.get(), unknown);
  ASSERT_TRUE(nameless.ok());
  ASSERT_TRUE(Settle(nameless.value()->opened()));
  ASSERT_TRUE(nameless.value()->opened().is_rejected());
  EXPECT_EQ(nameless.value()->opened().error().name(), "NetworkError");
  EXPECT_NE(nameless.value()->opened().error().message().find(
                "Hostname couldn't be resolved. (no-such-host.invalid"),
            std::string::npos);
}

// What the system resolver answers for `name` in `family`, or "".
std::string SystemResolves(const char* name, int family) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(name, "9", &hints, &result) != 0 || result == nullptr) {
    return "";
  }
  std::string text =
      common::IpAddress::FromSockaddr(result->ai_addr).ToString();
  freeaddrinfo(result);
  return text;
}

TEST_F(ServiceTest, HostNamesResolveInTheServiceHonouringDnsQueryType) {
  // The service must answer as the system resolver does for the family
  // asked (machines differ on whether "localhost" has an IPv6 entry).
  for (const char* type : {"ipv4", "ipv6"}) {
    SCOPED_TRACE(type);
    const int family = std::string(type) == "ipv4" ? AF_INET : AF_INET6;
    const std::string expected = SystemResolves("localhost", family);
    UDPPeer peer(family == AF_INET ? "127.0.0.1" : "::1");
    UDPSocketOptions options;
    options.remoteAddress = "localhost";
    options.remotePort = peer.port();
    options.dnsQueryType = type;
    auto socket = UDPSocket::Create(connection_.get(), options);
    ASSERT_TRUE(socket.ok());
    ASSERT_TRUE(Settle(socket.value()->opened()));
    if (expected.empty()) {
      ASSERT_TRUE(socket.value()->opened().is_rejected());
      EXPECT_EQ(socket.value()->opened().error().name(), "NetworkError");
      EXPECT_NE(socket.value()->opened().error().message().find(
                    "Hostname couldn't be resolved. (localhost"),
                std::string::npos);
      continue;
    }
    ASSERT_TRUE(socket.value()->opened().is_fulfilled())
        << socket.value()->opened().error().ToString();
    EXPECT_EQ(socket.value()->opened().value().remoteAddress, expected);
  }
}

TEST_F(ServiceTest, SocketFileIsOwnerOnly) {
  struct stat info;
  ASSERT_EQ(stat(service_.socket_path().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string dir =
      service_.socket_path().substr(0, service_.socket_path().rfind('/'));
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(ServiceTest, SigtermClosesSocketsAndExitsCleanly) {
  UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  UDPSocketOpenInfo info;
  auto socket = Open(options, &info);
  ASSERT_NE(socket, nullptr);
  auto exited = service_.Terminate(absl::Seconds(5));
  ASSERT_TRUE(exited.ok()) << exited.status();
  EXPECT_TRUE(WIFEXITED(*exited));
  EXPECT_EQ(WEXITSTATUS(*exited), 0);
  EXPECT_NE(access(service_.socket_path().c_str(), F_OK), 0)
      << "the socket file should be gone";
  ASSERT_TRUE(Settle(socket->closed(), absl::Seconds(1)));
  EXPECT_EQ(socket->closed().error().name(), "NetworkError");
}

TEST_F(ServiceTest, ARenderersDeathClosesAllItsSockets) {
  SocketHolderProcess renderer_process;
  std::string printed;
  const std::vector<uint16_t> ports =
      renderer_process.Start(service_.socket_path(), 3, std::nullopt, &printed);
  ASSERT_EQ(ports.size(), 3u) << printed;
  for (uint16_t port : ports) {
    EXPECT_EQ(service_.UDPSocketsOnPort(port).count, 1);
  }
  renderer_process.Kill();
  // The service notices the broken connection and closes each socket; no
  // event reaches this process, so check within a bound.
  const bool all_closed = loop_.RunUntil(
      [&] {
        for (uint16_t port : ports) {
          if (service_.UDPSocketsOnPort(port).count != 0)
            return false;
        }
        return true;
      },
      absl::Seconds(2), absl::Milliseconds(10));
  EXPECT_TRUE(all_closed);
}

}  // namespace
}  // namespace tests
