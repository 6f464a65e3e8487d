// The service's checks, seen from a renderer that does not follow the
// rules (a compromised one): it speaks raw gRPC to the real service, started
// through its library on a thread of this test (so a crash fails the test
// at once, and the sanitizers see the service's code), or as a process of
// its own where its process is measured. Each bad request gets a clear
// error on its socket; the service never crashes and keeps serving others.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "absl/synchronization/mutex.h"
#include "network_service/network_service_thread.h"
#include "proto/udp_socket.grpc.pb.h"
#include "tests/network_service_process.h"
#include "tests/udp_peer.h"

namespace tests {
namespace {

namespace v1 = ::direct_sockets::v1;

// Raw gRPC calls to a service at `socket_path`; a subclass starts it.
class RawCallsTest : public ::testing::Test {
 protected:
  void Connect(const std::string& socket_path) {
    channel_ = grpc::CreateChannel("unix:" + socket_path,
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::NetworkService::NewStub(channel_);
  }

  using Stream =
      grpc::ClientReaderWriter<v1::UDPSocketRequest, v1::UDPSocketEvent>;

  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<Stream> stream;
  };

  Call StartCall() {
    Call call;
    call.context = std::make_unique<grpc::ClientContext>();
    call.context->set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(10));
    call.stream = stub_->OpenUDPSocket(call.context.get());
    return call;
  }

  // The service ends `call`'s stream without an event, with `code` and a
  // message containing `words`.
  static void ExpectStreamEnds(Call& call,
                               grpc::StatusCode code,
                               const std::string& words) {
    v1::UDPSocketEvent event;
    EXPECT_FALSE(call.stream->Read(&event));
    grpc::Status status = call.stream->Finish();
    EXPECT_EQ(status.error_code(), code);
    EXPECT_NE(status.error_message().find(words), std::string::npos)
        << status.error_message();
  }

  // Opens a socket and reads the `opened` event.
  Call OpenBound(const std::string& address) {
    Call call = StartCall();
    v1::UDPSocketRequest open;
    open.set_request_id(1);
    open.mutable_open()->mutable_bound()->set_local_address(address);
    EXPECT_TRUE(call.stream->Write(open));
    v1::UDPSocketEvent event;
    EXPECT_TRUE(call.stream->Read(&event));
    EXPECT_TRUE(event.has_opened()) << event.DebugString();
    return call;
  }

  // Reads events until a result for `request_id`.
  v1::Status ResultFor(Call& call, uint64_t request_id) {
    v1::UDPSocketEvent event;
    while (call.stream->Read(&event)) {
      if (event.has_result() && event.result().request_id() == request_id) {
        return event.result().status();
      }
    }
    ADD_FAILURE() << "stream ended before result " << request_id;
    return v1::Status();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::NetworkService::Stub> stub_;
};

// The service in this process, through its library, enforcing no policy.
class RawRendererTest : public RawCallsTest {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dsock-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
    network_service::NetworkService::Options options;
    options.socket_path = directory_ + "/run/network.sock";
    options.unsafe_development_mode = true;
    auto started = network_service::NetworkServiceThread::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    service_ = *std::move(started);
    Connect(options.socket_path);
  }

  void TearDown() override {
    stub_.reset();
    channel_.reset();
    service_.reset();  // Shuts down; removes the socket file.
    rmdir((directory_ + "/run").c_str());
    rmdir(directory_.c_str());
  }

  std::string directory_;
  std::unique_ptr<network_service::NetworkServiceThread> service_;
};

// The service as a process of its own, for what is measured of its process.
class RawRendererProcessTest : public RawCallsTest {
 protected:
  void SetUp() override {
    absl::Status started = service_.Start();
    ASSERT_TRUE(started.ok()) << started;
    Connect(service_.socket_path());
  }

  void TearDown() override {
    // Whatever the test did, the service is still alive.
    EXPECT_EQ(kill(service_.pid(), 0), 0) << "the service died";
  }

  NetworkServiceProcess service_;
};

TEST_F(RawRendererTest, SendBeforeOpenIsRefusedAndOpenStillWorks) {
  Call call = StartCall();
  v1::UDPSocketRequest send;
  send.set_request_id(1);
  send.mutable_send()->add_datagrams()->set_data("x");
  ASSERT_TRUE(call.stream->Write(send));
  v1::Status status = ResultFor(call, 1);
  EXPECT_EQ(status.code(),
            static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE(status.message().find("send before the socket is open"),
            std::string::npos);
  v1::UDPSocketRequest open;
  open.set_request_id(2);
  open.mutable_open()->mutable_bound()->set_local_address("127.0.0.1");
  ASSERT_TRUE(call.stream->Write(open));
  v1::UDPSocketEvent event;
  ASSERT_TRUE(call.stream->Read(&event));
  EXPECT_TRUE(event.has_opened());
  call.stream->WritesDone();
  EXPECT_TRUE(call.stream->Finish().ok());
}

TEST_F(RawRendererTest, AnEmptyFirstRequestEndsTheStream) {
  Call call = StartCall();
  v1::UDPSocketRequest empty;
  empty.set_request_id(1);
  ASSERT_TRUE(call.stream->Write(empty));
  ExpectStreamEnds(call, grpc::StatusCode::INVALID_ARGUMENT, "first request");
}

TEST_F(RawRendererTest, ABadOpenEndsTheStreamWithTheRule) {
  struct Case {
    std::function<void(v1::OpenUDPSocket*)> fill;
    grpc::StatusCode code;
    std::string words;
  } cases[] = {
      {[](v1::OpenUDPSocket*) {}, grpc::StatusCode::INVALID_ARGUMENT,
       "names no mode"},
      {[](v1::OpenUDPSocket* o) {
         o->mutable_bound()->set_local_address("not-an-ip");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "not an IP address"},
      {[](v1::OpenUDPSocket* o) {
         o->mutable_bound()->set_local_address("127.0.0.1");
         o->mutable_bound()->set_local_port(99999);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "outside 0..65535"},
      {[](v1::OpenUDPSocket* o) {
         o->mutable_bound()->set_local_address("127.0.0.1");
         o->mutable_bound()->set_local_port(53);
       },
       grpc::StatusCode::PERMISSION_DENIED, "below 1024"},
      {[](v1::OpenUDPSocket* o) {
         o->mutable_connected()->set_remote_address("127.0.0.1");
         o->mutable_connected()->set_remote_port(65536);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "outside 0..65535"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.words);
    Call call = StartCall();
    v1::UDPSocketRequest open;
    open.set_request_id(1);
    c.fill(open.mutable_open());
    ASSERT_TRUE(call.stream->Write(open));
    ExpectStreamEnds(call, c.code, c.words);
  }
}

TEST_F(RawRendererTest, UnknownFieldsAreRefused) {
  Call call = StartCall();
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_bound()->set_local_address("127.0.0.1");
  // Append field 77 (varint) to the open message: unknown to the service.
  std::string wire = open.open().SerializeAsString();
  wire += std::string("\xe8\x04\x01", 3);
  ASSERT_TRUE(open.mutable_open()->ParseFromString(wire));
  ASSERT_TRUE(call.stream->Write(open));
  ExpectStreamEnds(call, grpc::StatusCode::INVALID_ARGUMENT, "does not know");
}

TEST_F(RawRendererTest, BadSendsGetAnErrorAndTheSocketStaysUsable) {
  UDPPeer peer("127.0.0.1");
  Call call = StartCall();
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_connected()->set_remote_address("127.0.0.1");
  open.mutable_open()->mutable_connected()->set_remote_port(peer.port());
  ASSERT_TRUE(call.stream->Write(open));
  v1::UDPSocketEvent event;
  ASSERT_TRUE(call.stream->Read(&event));
  ASSERT_TRUE(event.has_opened());

  // A connected socket asked to send elsewhere.
  v1::UDPSocketRequest elsewhere;
  elsewhere.set_request_id(2);
  v1::Datagram* datagram = elsewhere.mutable_send()->add_datagrams();
  datagram->set_data("x");
  datagram->set_remote_address("10.9.9.9");
  datagram->set_remote_port(9);
  ASSERT_TRUE(call.stream->Write(elsewhere));
  v1::Status status = ResultFor(call, 2);
  EXPECT_EQ(status.code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(status.message().find("sends only to its remote address"),
            std::string::npos);

  // Oversized datagram.
  v1::UDPSocketRequest big;
  big.set_request_id(3);
  big.mutable_send()->add_datagrams()->set_data(std::string(70000, 'x'));
  ASSERT_TRUE(call.stream->Write(big));
  status = ResultFor(call, 3);
  EXPECT_NE(status.message().find("larger than the UDP limit"),
            std::string::npos);

  // A second open on the same stream.
  v1::UDPSocketRequest reopen = open;
  reopen.set_request_id(4);
  ASSERT_TRUE(call.stream->Write(reopen));
  status = ResultFor(call, 4);
  EXPECT_EQ(status.code(),
            static_cast<int>(absl::StatusCode::kFailedPrecondition));

  // A request naming no operation.
  v1::UDPSocketRequest empty;
  empty.set_request_id(5);
  ASSERT_TRUE(call.stream->Write(empty));
  status = ResultFor(call, 5);
  EXPECT_NE(status.message().find("names no operation"), std::string::npos);

  // The socket still works: nothing was sent by the bad requests.
  v1::UDPSocketRequest good;
  good.set_request_id(6);
  good.mutable_send()->add_datagrams()->set_data("fine");
  ASSERT_TRUE(call.stream->Write(good));
  status = ResultFor(call, 6);
  EXPECT_EQ(status.code(), 0) << status.message();
  auto got = peer.Receive(absl::Seconds(5));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data, "fine");
  call.stream->WritesDone();
  EXPECT_TRUE(call.stream->Finish().ok());
}

TEST_F(RawRendererTest, ReceiveCreditIsNeverExceeded) {
  Call call = OpenBound("127.0.0.1");
  // Learn the port from a second open? The opened event had it; re-open to
  // read it here.
  Call probe = StartCall();
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_bound()->set_local_address("127.0.0.1");
  ASSERT_TRUE(probe.stream->Write(open));
  v1::UDPSocketEvent opened;
  ASSERT_TRUE(probe.stream->Read(&opened));
  const uint16_t port = static_cast<uint16_t>(opened.opened().local_port());

  v1::UDPSocketRequest credit;
  credit.set_request_id(2);
  credit.mutable_receive_more()->set_num_additional_datagrams(3);
  ASSERT_TRUE(probe.stream->Write(credit));
  UDPPeer peer("127.0.0.1");
  for (int i = 0; i < 10; ++i)
    peer.SendTo("d", "127.0.0.1", port);
  int received = 0;
  v1::UDPSocketEvent event;
  while (received < 3 && probe.stream->Read(&event)) {
    received += event.received().datagrams_size();
  }
  EXPECT_EQ(received, 3);
  // One more datagram of credit gives exactly one more datagram.
  credit.set_request_id(3);
  credit.mutable_receive_more()->set_num_additional_datagrams(1);
  ASSERT_TRUE(probe.stream->Write(credit));
  ASSERT_TRUE(probe.stream->Read(&event));
  EXPECT_EQ(event.received().datagrams_size(), 1);
  probe.stream->WritesDone();
  // Nothing else arrives before the stream ends.
  while (probe.stream->Read(&event)) {
    EXPECT_FALSE(event.has_received()) << "datagram beyond credit";
  }
  EXPECT_TRUE(probe.stream->Finish().ok());
  call.stream->WritesDone();
  EXPECT_TRUE(call.stream->Finish().ok());
}

TEST_F(RawRendererProcessTest,
       ARendererThatNeverReadsAnswersCannotGrowTheService) {
  UDPPeer peer("127.0.0.1");
  Call call = StartCall();
  call.context->set_deadline(std::chrono::system_clock::time_point::max());
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_connected()->set_remote_address("127.0.0.1");
  open.mutable_open()->mutable_connected()->set_remote_port(peer.port());
  ASSERT_TRUE(call.stream->Write(open));
  v1::UDPSocketEvent event;
  ASSERT_TRUE(call.stream->Read(&event));
  const int64_t rss_before = service_.ResidentKb();

  // Each of these earns an error result of ~150 bytes; the renderer never
  // reads one. Without a bound the service would queue them all.
  v1::UDPSocketRequest bad;
  v1::Datagram* datagram = bad.mutable_send()->add_datagrams();
  datagram->set_data("x");
  datagram->set_remote_address("10.9.9.9");
  datagram->set_remote_port(9);
  std::atomic<int64_t> written{0};
  std::thread writer([&] {
    for (int64_t i = 0; i < 2000000; ++i) {
      bad.set_request_id(static_cast<uint64_t>(i + 2));
      if (!call.stream->Write(bad))
        return;
      ++written;
    }
  });
  // Writes stall once the service stops reading; give them a bounded time.
  absl::Mutex mutex;
  absl::MutexLock lock(&mutex);
  mutex.AwaitWithTimeout(
      absl::Condition(
          +[](std::atomic<int64_t>* w) { return w->load() >= 2000000; },
          &written),
      absl::Seconds(3));
  const int64_t rss_after = service_.ResidentKb();
  std::printf("renderer wrote %lld requests; service RSS %lld -> %lld KiB\n",
              static_cast<long long>(written.load()),
              static_cast<long long>(rss_before),
              static_cast<long long>(rss_after));
  EXPECT_LT(written.load(), 2000000);
  EXPECT_LT(rss_after - rss_before, 24 * 1024 * kSanitizerMemoryFactor);
  call.context->TryCancel();
  writer.join();
}

}  // namespace
}  // namespace tests
