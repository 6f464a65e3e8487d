#ifndef NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_TEST_FIXTURE_H_
#define NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_TEST_FIXTURE_H_

// A RestrictedUDPSocket over the fake socket layer and a fake renderer
// stream, for the request layer's unit tests (restricted_udp_socket_*
// _unittest.cc): no root, no kernel, and every answer the socket layer can
// give, on demand. Test thread only (it runs the loop).
#include <optional>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/time.h"
#include "common/datagram_frame.h"
#include "common/datagram_frame_testing.h"
#include "common/event_loop.h"
#include "common/service_status.h"
#include "gtest/gtest.h"
#include "network_service/requests/restricted_udp_socket.h"
#include "network_service/socket/fake_socket_factory.h"
#include "policy/policy_loader.h"

namespace network_service {
namespace test {

namespace v1 = ::direct_sockets::v1;

inline constexpr char kOrigin[] = "isolated-app://app";
inline const std::set<std::string> kAllFeatures = {
    "direct-sockets", "direct-sockets-multicast", "local-network",
    "loopback-network"};

inline constexpr char kPolicy[] = R"({
  "DirectSocketsMulticastRules": [{
    "origins": ["isolated-app://app"],
    "receive_groups": ["239.1.0.0/16", "232.0.0.0/8", "ff3e::/16"],
    "send_groups": ["239.1.0.0/16"],
    "ssm_sources": ["10.0.0.0/8"],
    "ports": ["5000-5010"],
    "max_ttl": 4,
    "allow_address_sharing": true,
    "max_memberships": 100,
    "max_datagrams_per_second": 100
  }]})";

inline policy::Policy LoadPolicy(const std::string& json) {
  policy::PolicyBuilder builder;
  std::vector<std::string> errors;
  builder.AddJson("test.json", json, &errors);
  policy::Policy loaded = builder.Build(&errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  return loaded;
}

// The renderer's end, as the request layer sees it.
class FakeStream : public RendererStream {
 public:
  void ReadNext() override { ++reads; }
  void Write(v1::UDPSocketEvent event) override {
    ASSERT_FALSE(finished) << "an event after the stream ended";
    events.push_back(std::move(event));
  }
  void FinishWhenWritten(grpc::Status status) override {
    ASSERT_FALSE(finished) << "the stream ended twice";
    finished = true;
    finish_status = status;
  }
  size_t OutboxBytes() const override { return outbox_bytes; }
  std::string peer() const override { return "fake"; }

  int reads = 0;
  std::vector<v1::UDPSocketEvent> events;
  bool finished = false;
  grpc::Status finish_status;
  size_t outbox_bytes = 0;
};

inline v1::OpenUDPSocket Bound(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_bound()->set_local_address(address);
  open.mutable_bound()->set_local_port(port);
  return open;
}

inline v1::OpenUDPSocket Connected(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_connected()->set_remote_address(address);
  open.mutable_connected()->set_remote_port(port);
  return open;
}

inline v1::Datagram To(const std::string& address,
                       uint32_t port,
                       const std::string& data = "x") {
  v1::Datagram datagram;
  datagram.set_data(data);
  datagram.set_remote_address(address);
  datagram.set_remote_port(port);
  return datagram;
}

inline v1::MulticastGroup Group(const std::string& group,
                                const std::string& source = "") {
  v1::MulticastGroup request;
  request.set_group_address(group);
  if (!source.empty())
    request.set_source_address(source);
  return request;
}

// Datagrams the stream's events carried to the renderer.
inline int ReceivedCount(const FakeStream& stream) {
  int count = 0;
  for (const v1::UDPSocketEvent& event : stream.events) {
    if (event.has_received())
      count += event.received().datagrams_size();
  }
  return count;
}

class RestrictedUDPSocketTest : public ::testing::Test {
 protected:
  RestrictedUDPSocketTest()
      : enforcer_(LoadPolicy(kPolicy), nullptr), factory_(&loop_) {}

  ~RestrictedUDPSocketTest() override {
    if (socket_) {
      socket_->Close(absl::OkStatus());
      EXPECT_TRUE(WaitUntilClosed());
    }
    // Nothing the app held outlives its sockets.
    EXPECT_EQ(apps_.sockets_of(kOrigin), 0u);
    EXPECT_EQ(apps_.memberships_of(kOrigin), 0u);
    EXPECT_TRUE(
        apps_.AcquireSendBytes(kOrigin, AppRegistry::kMaxPendingSendBytesPerApp)
            .ok());
    apps_.ReleaseSendBytes(kOrigin, AppRegistry::kMaxPendingSendBytesPerApp);
  }

  void Make(std::set<std::string> features = kAllFeatures,
            std::shared_ptr<DatagramPipe> pipe = nullptr) {
    stream_ = std::make_shared<FakeStream>();
    closed_ = false;
    socket_ = std::make_unique<RestrictedUDPSocket>(
        loop_.uv_loop(), stream_, &apps_, &enforcer_, &factory_,
        AppIdentity{kOrigin, std::move(features), std::move(pipe)},
        [this] { closed_ = true; });
  }

  void Request(uint64_t id, v1::UDPSocketRequest request) {
    request.set_request_id(id);
    socket_->HandleRequest(std::move(request));
  }
  void Open(v1::OpenUDPSocket open) {
    v1::UDPSocketRequest request;
    *request.mutable_open() = std::move(open);
    Request(1, std::move(request));
  }
  void Send(uint64_t id, std::vector<v1::Datagram> datagrams) {
    v1::UDPSocketRequest request;
    for (v1::Datagram& datagram : datagrams)
      *request.mutable_send()->add_datagrams() = std::move(datagram);
    Request(id, std::move(request));
  }
  void Join(uint64_t id, v1::MulticastGroup group) {
    v1::UDPSocketRequest request;
    *request.mutable_join_group() = std::move(group);
    Request(id, std::move(request));
  }
  void Leave(uint64_t id, v1::MulticastGroup group) {
    v1::UDPSocketRequest request;
    *request.mutable_leave_group() = std::move(group);
    Request(id, std::move(request));
  }
  void Credit(uint32_t count) {
    v1::UDPSocketRequest request;
    request.mutable_receive_more()->set_num_additional_datagrams(count);
    Request(0, std::move(request));
  }

  // Checked every millisecond as well: the fake kernel delivers outside the
  // loop, so no poll wakes for what it gathered (the receive flow writes it
  // from a check handle, which runs only once an iteration ends).
  bool RunUntil(absl::AnyInvocable<bool()> done,
                absl::Duration timeout = absl::Seconds(5)) {
    return loop_.RunUntil(std::move(done), timeout, absl::Milliseconds(1));
  }
  // The socket closed (its parts too), ended the stream and was deleted.
  bool WaitUntilClosed() {
    if (!RunUntil([this] { return closed_; }))
      return false;
    socket_.reset();
    return stream_->finished;
  }
  // The stream ended with `code`, whose message contains `text`.
  void ExpectEnded(absl::StatusCode code, const std::string& text = "") {
    ASSERT_TRUE(WaitUntilClosed());
    EXPECT_EQ(static_cast<int>(stream_->finish_status.error_code()),
              static_cast<int>(code))
        << stream_->finish_status.error_message();
    EXPECT_NE(stream_->finish_status.error_message().find(text),
              std::string::npos)
        << stream_->finish_status.error_message();
  }
  // The result of request `id`, if one came.
  std::optional<absl::Status> ResultOf(uint64_t id) const {
    for (const v1::UDPSocketEvent& event : stream_->events) {
      if (event.has_result() && event.result().request_id() == id)
        return common::FromWireStatus(event.result().status());
    }
    return std::nullopt;
  }
  const v1::Opened* OpenedEvent() const {
    for (const v1::UDPSocketEvent& event : stream_->events) {
      if (event.has_opened())
        return &event.opened();
    }
    return nullptr;
  }
  // Opens a bound multicast socket on 0.0.0.0:5000 and checks it opened.
  void OpenBound(v1::OpenUDPSocket open = Bound("0.0.0.0", 5000)) {
    Make();
    Open(std::move(open));
    ASSERT_NE(OpenedEvent(), nullptr) << "the socket did not open";
  }
  FakeSocketRecord& Kernel() { return *factory_.sockets().back(); }

  common::EventLoop loop_;
  AppRegistry apps_;
  PolicyEnforcer enforcer_;
  FakeSocketFactory factory_;
  std::shared_ptr<FakeStream> stream_;
  std::unique_ptr<RestrictedUDPSocket> socket_;
  bool closed_ = false;
};

// A socket with a datagram pipe: `renderer_end` is the renderer's side.
class PipedSocketTest : public RestrictedUDPSocketTest {
 protected:
  void SetUp() override {
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair), 0);
    pipe_ = std::make_shared<DatagramPipe>(loop_.uv_loop(), pair[0], kOrigin);
    renderer_end_ = pair[1];
  }
  void TearDown() override {
    if (socket_) {
      socket_->Close(absl::OkStatus());
      EXPECT_TRUE(WaitUntilClosed());
    }
    pipe_->Close();
    RunUntil([] { return false; }, absl::Milliseconds(1));  // Its close.
    if (renderer_end_ >= 0)
      close(renderer_end_);
  }
  // Opens a bound socket that asks for its datagrams on the pipe.
  uint32_t OpenPiped() {
    Make(kAllFeatures, pipe_);
    v1::OpenUDPSocket open = Bound("0.0.0.0", 5000);
    open.set_receive_on_pipe(true);
    Open(std::move(open));
    EXPECT_NE(OpenedEvent(), nullptr) << "the socket did not open";
    return OpenedEvent() ? OpenedEvent()->pipe_socket_id() : 0;
  }
  // The datagrams of the next frame on the pipe (within 5 s), as
  // "data@address:port".
  std::vector<std::string> NextFrame(uint32_t socket_id) {
    std::vector<std::string> datagrams;
    std::string frame(common::DatagramFrame::kMaxBytes, '\0');
    ssize_t got = -1;
    // done() is asked again after it said yes: once read, keep the frame.
    RunUntil([&] {
      if (got <= 0)
        got = recv(renderer_end_, frame.data(), frame.size(), MSG_DONTWAIT);
      return got > 0;
    });
    if (got <= 0)
      return datagrams;
    uint32_t framed_id = 0;
    datagrams = common::FrameDatagrams(
                    absl::string_view(frame.data(), static_cast<size_t>(got)),
                    &framed_id, /*with_senders=*/true)
                    .value_or(std::vector<std::string>{"(a broken frame)"});
    EXPECT_EQ(framed_id, socket_id);
    return datagrams;
  }

  // Writes `message` into the pipe as the renderer would.
  void WriteToPipe(absl::string_view message) {
    ASSERT_EQ(send(renderer_end_, message.data(), message.size(), 0),
              static_cast<ssize_t>(message.size()));
  }
  // The next message the service wrote on the pipe (within 5 s), or "".
  std::string NextPipeMessage() {
    std::string message(common::DatagramFrame::kMaxBytes, '\0');
    ssize_t got = -1;
    RunUntil([&] {
      if (got <= 0)
        got = recv(renderer_end_, message.data(), message.size(), MSG_DONTWAIT);
      return got > 0;
    });
    message.resize(got > 0 ? static_cast<size_t>(got) : 0);
    return message;
  }

  std::shared_ptr<DatagramPipe> pipe_;
  int renderer_end_ = -1;
};

}  // namespace test
}  // namespace network_service

#endif  // NETWORK_SERVICE_REQUESTS_RESTRICTED_UDP_SOCKET_TEST_FIXTURE_H_
