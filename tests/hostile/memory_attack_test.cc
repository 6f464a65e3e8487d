// One renderer tries to exhaust the network service's memory, below gRPC
// (raw HTTP/2 frames) and through it (sockets, streams, held sends), under a
// real host in a private network namespace (root). After each attack the
// service must have grown by less than kBudgetKb, be the same process, and
// serve a well-behaved app, while the attacker's connection is still open.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "tests/hostile/policy_host.h"
#include "tests/hostile/raw_http2.h"
#include "tests/hostile/raw_renderer.h"
#include "tests/kernel_multicast_state.h"
#include "tests/network_service_process.h"
#include "tests/udp_peer.h"

namespace tests {
namespace {

namespace v1 = ::direct_sockets::v1;

// What one renderer may grow the service by (docs/security.md).
constexpr int64_t kBudgetKb = 64 * 1024 * kSanitizerMemoryFactor;

constexpr char kAttacker[] = "isolated-app://attacker";
constexpr char kGood[] = "isolated-app://good";

constexpr char kPolicy[] = R"({
  "DirectSocketsMulticastRules": [{
    "origins": ["isolated-app://attacker"],
    "send_groups": ["239.10.0.0/16"],
    "ports": ["5000-5010"],
    "max_datagrams_per_second": 1
  }]
})";

class MemoryAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_host_ = std::make_unique<PolicyHost>(&loop_, kPolicy);
    ASSERT_TRUE(policy_host_->Start().ok());
    host_ = &policy_host_->host();
    service_pid_ = host_->network_service_pid();
    // The well-behaved app works before the attack (and gRPC has made what
    // it keeps), so the figure below is the attack's.
    ExpectGoodAppWorks();
    rss_before_kb_ = ServiceMemoryKb("VmRSS:");
    // From here VmHWM is the peak of the attack: a transient peak counts
    // (large blocks go back to the kernel when freed and leave no RSS).
    std::ofstream(absl::StrCat("/proc/", service_pid_, "/clear_refs")) << "5";
  }

  void TearDown() override { policy_host_.reset(); }

  // A field of /proc/PID/status in KiB ("VmRSS:", "VmHWM:").
  int64_t ServiceMemoryKb(const std::string& field) const {
    std::ifstream status(absl::StrCat("/proc/", service_pid_, "/status"));
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind(field, 0) == 0)
        return std::stoll(line.substr(field.size()));
    }
    return -1;
  }

  // The attacker's channel, as a raw HTTP/2 connection.
  std::unique_ptr<RawHttp2Connection> Attacker() {
    absl::StatusOr<int> fd = host_->NewInProcessRendererChannel(kAttacker);
    EXPECT_TRUE(fd.ok());
    auto connection = std::make_unique<RawHttp2Connection>(*fd);
    EXPECT_TRUE(connection->Handshake());
    return connection;
  }

  // Another app opens a socket and its datagram reaches a peer.
  void ExpectGoodAppWorks() {
    absl::StatusOr<int> fd = host_->NewInProcessRendererChannel(kGood);
    ASSERT_TRUE(fd.ok());
    RawRenderer good(*fd);
    UDPPeer peer("127.0.0.1");
    auto socket = good.NewSocket();
    ASSERT_TRUE(socket->Open(ConnectedOpen("127.0.0.1", peer.port())))
        << socket->end_status().error_message();
    EXPECT_EQ(socket->Call(SendConnected("still here")).code(), 0);
    std::optional<UDPPeer::Datagram> got = peer.Receive(absl::Seconds(5));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->data, "still here");
  }

  // After an attack: bounded growth, same service, good app served.
  // `attacker`, when given, is synced first: the service has handled every
  // frame it sent (or closed it).
  void ExpectServiceHeld(const std::string& attack,
                         RawHttp2Connection* attacker = nullptr,
                         int64_t budget_kb = kBudgetKb) {
    if (attacker != nullptr) {
      const bool answered = attacker->Sync();
      std::printf(
          "%s: the service %s\n", attack.c_str(),
          answered ? "answered a PING after it" : "closed the connection");
    }
    const int64_t grown = ServiceMemoryKb("VmHWM:") - rss_before_kb_;
    std::printf(
        "%s: service RSS %lld KiB, peak during the attack %lld KiB "
        "above it\n",
        attack.c_str(), static_cast<long long>(rss_before_kb_),
        static_cast<long long>(grown));
    EXPECT_LT(grown, budget_kb) << attack;
    EXPECT_EQ(host_->network_service_pid(), service_pid_) << attack;
    EXPECT_EQ(host_->service_restarts(), 0) << attack;
    ExpectGoodAppWorks();
  }

  common::EventLoop loop_;
  std::unique_ptr<PolicyHost> policy_host_;
  host::Host* host_ = nullptr;  // policy_host_'s.
  pid_t service_pid_ = -1;
  int64_t rss_before_kb_ = 0;
};

// gzip of `inflated` zero bytes (a gRPC message body that inflates ~1000x).
std::string GzipOfZeros(size_t inflated) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0'), out;
  char buffer[1 << 16];
  size_t left = inflated;
  while (true) {
    const size_t chunk = std::min(left, zeros.size());
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(chunk);
    left -= chunk;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0);
    if (flush == Z_FINISH)
      break;
  }
  deflateEnd(&z);
  return out;
}

TEST_F(MemoryAttackTest, CompressedMessagesAreRefusedNotInflated) {
  auto attacker = Attacker();
  // Each message fits a stream's 64 KiB flow-control window and inflates
  // to 56 MiB.
  const std::string bomb = GzipOfZeros(size_t{56} << 20);
  ASSERT_LT(bomb.size(), 65535u - 5);
  // Ten streams, each one such message.
  for (uint32_t stream = 1; stream <= 19; stream += 2) {
    attacker->SendFrame(
        RawHttp2Connection::kHeaders, RawHttp2Connection::kEndHeaders, stream,
        RawHttp2Connection::OpenUDPSocketHeaders({{"grpc-encoding", "gzip"}}));
    std::string message(1, '\1');  // Compressed.
    const uint32_t length = static_cast<uint32_t>(bomb.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      message.push_back(static_cast<char>(length >> shift));
    message += bomb;
    for (size_t at = 0; at < message.size(); at += 16384) {
      attacker->SendFrame(RawHttp2Connection::kData, 0, stream,
                          absl::string_view(message).substr(at, 16384));
    }
  }
  // Inflated, one bomb alone would take 56 MiB.
  ExpectServiceHeld("10 gzip bombs of 56 MiB", attacker.get(),
                    16 * 1024 * kSanitizerMemoryFactor);
}

TEST_F(MemoryAttackTest, StreamsThatNeverOpenAreCapped) {
  auto attacker = Attacker();
  const std::string headers = RawHttp2Connection::OpenUDPSocketHeaders();
  for (uint32_t stream = 1; stream < 20000; stream += 2) {
    if (!attacker->SendFrame(RawHttp2Connection::kHeaders,
                             RawHttp2Connection::kEndHeaders, stream,
                             headers)) {
      break;
    }
  }
  ExpectServiceHeld("10,000 streams without open", attacker.get());
}

TEST_F(MemoryAttackTest, PingAndSettingsFloods) {
  auto attacker = Attacker();
  for (int i = 0; i < 100000; ++i) {
    if (!attacker->SendFrame(RawHttp2Connection::kPing, 0, 0, "12345678"))
      break;
  }
  for (int i = 0; i < 100000; ++i) {
    if (!attacker->SendFrame(RawHttp2Connection::kSettings, 0, 0, ""))
      break;
  }
  ExpectServiceHeld("100,000 PINGs and 100,000 SETTINGS", attacker.get());
}

TEST_F(MemoryAttackTest, HeldAndQueuedSendsAreCappedInBytes) {
  absl::StatusOr<int> fd = host_->NewInProcessRendererChannel(kAttacker);
  ASSERT_TRUE(fd.ok());
  RawRenderer attacker(*fd);
  {
    // A request above the message limit ends its stream.
    auto big = attacker.NewSocket();
    ASSERT_TRUE(big->Open(BoundOpen("0.0.0.0", 0)));
    v1::UDPSocketRequest huge = SendTo("10.78.0.1", 5004, "");
    for (int i = 0; i < 8; ++i) {
      *huge.mutable_send()->add_datagrams() =
          SendTo("10.78.0.1", 5004, std::string(60000, 'y'))
              .send()
              .datagrams(0);
    }
    big->Write(huge);
    EXPECT_EQ(big->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << big->end_status().error_message();
  }
  // Every socket the app may have, each with a batch of 60 KB datagrams to
  // a group its rate (1 a second) holds.
  std::vector<std::unique_ptr<RawRenderer::RawSocket>> sockets;
  for (int i = 0; i < 64; ++i) {
    sockets.push_back(attacker.NewSocket());
    ASSERT_TRUE(sockets.back()->Open(BoundOpen("0.0.0.0", 0)));
    v1::UDPSocketRequest batch =
        SendTo("239.10.0.1", 5004, std::string(60000, 'x'));
    for (int j = 0; j < 3; ++j)
      *batch.mutable_send()->add_datagrams() = batch.send().datagrams(0);
    // Held by the rate, or refused once the app holds 8 MiB
    // (AppRegistry::kMaxPendingSendBytesPerApp).
    batch.set_request_id(2);
    ASSERT_TRUE(sockets.back()->Write(batch));
  }
  ExpectServiceHeld("64 sockets with held 240 KB batches");
}

TEST_F(MemoryAttackTest, ContinuationFloodIsContained) {
  auto attacker = Attacker();
  attacker->SendFrame(RawHttp2Connection::kHeaders, 0, 1,
                      RawHttp2Connection::OpenUDPSocketHeaders());
  const std::string field =
      RawHttp2Connection::HpackLiteral("x-flood", std::string(8000, 'c'));
  int sent = 0;
  for (; sent < 30000; ++sent) {
    if (!attacker->SendFrame(RawHttp2Connection::kContinuation, 0, 1, field))
      break;
  }
  std::printf("CONTINUATION frames written before the service closed: %d\n",
              sent);
  ExpectServiceHeld("30,000 CONTINUATION frames of 8 KB", attacker.get());
}

}  // namespace
}  // namespace tests
