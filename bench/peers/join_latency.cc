// join_latency --network_service=PATH --joins=N: the join row of
// bench/peers/run. Two figures from one run, in microseconds, as
// "join p50 P p99 Q rtt p50 R p99 S":
//  - join: an app on the renderer library (bound by an in-process host to
//    a network service it starts, as cpp_receiver is) calls joinGroup() and
//    waits for its promise: the renderer, gRPC, the guard, the service's
//    checks and the kernel's IP_ADD_MEMBERSHIP, and back. Each join is
//    followed by a leave (not timed), so every join reaches the kernel.
//  - rtt: one bare gRPC round trip of the same interface over the same kind
//    of channel (a Unix socket pair) to a forked child that answers each
//    request at once, with none of our layers: the floor a join stands on.
// Then "idle_rss_kib K": the network service's resident memory once the
// app's socket has closed (the service idle, with one app's channel).
// Needs a multicast route (bench/peers/run adds one in its namespace).
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"

ABSL_FLAG(std::string,
          network_service,
          "network_service/network_service",
          "The network service program.");
ABSL_FLAG(int, joins, 2000, "Joins (and round trips) to time.");

namespace {

namespace v1 = ::direct_sockets::v1;

// p50 and p99 of `samples` (microseconds).
std::pair<double, double> Percentiles(std::vector<double> samples) {
  if (samples.empty())
    return {0, 0};
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1,
                            static_cast<size_t>(q * samples.size()))];
  };
  return {at(0.5), at(0.99)};
}

// The resident memory of process `pid`, in KiB (0 if unknown).
long ResidentKib(pid_t pid) {
  FILE* status = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (status == nullptr)
    return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof(line), status) != nullptr) {
    if (std::sscanf(line, "VmRSS: %ld", &kib) == 1)
      break;
  }
  std::fclose(status);
  return kib;
}

std::vector<double> TimeJoins(int joins, long* idle_rss_kib) {
  common::EventLoop loop;
  host::Host::Options options{absl::GetFlag(FLAGS_network_service)};
  options.unsafe_development_mode = true;
  auto host = std::make_unique<host::Host>(&loop, options);
  std::vector<double> samples;
  if (!host->StartNetworkService().ok())
    return samples;
  absl::StatusOr<host::Host::RendererEnds> ends =
      host->NewInProcessRendererEnds("isolated-app://bench");
  if (!ends.ok())
    return samples;
  auto connection = renderer::NetworkServiceConnection::FromInheritedFds(
      &loop, ends->channel, ends->datagram_pipe);
  renderer::UDPSocketOptions socket_options;
  socket_options.localAddress = "0.0.0.0";
  auto socket = renderer::UDPSocket::Create(connection.get(), socket_options);
  if (!socket.ok())
    return samples;
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
  if (!opened.is_fulfilled() || !opened.value().multicastController)
    return samples;
  auto controller = opened.value().multicastController;
  for (int i = 0; i < joins; ++i) {
    const absl::Time start = absl::Now();
    auto joined = controller->joinGroup("239.77.0.1");
    loop.RunUntil([&] { return joined.is_settled(); }, absl::Seconds(5));
    if (!joined.is_fulfilled()) {
      std::fprintf(stderr, "join_latency: a join failed\n");
      break;
    }
    samples.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    auto left = controller->leaveGroup("239.77.0.1");
    loop.RunUntil([&] { return left.is_settled(); }, absl::Seconds(5));
  }
  auto closed = socket.value()->close();
  loop.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(5));
  *idle_rss_kib = ResidentKib(host->network_service_pid());
  return samples;
}

// Answers every request of every stream at once with its result.
class EchoService final : public v1::NetworkService::Service {
  grpc::Status OpenUDPSocket(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UDPSocketEvent, v1::UDPSocketRequest>*
          stream) override {
    v1::UDPSocketRequest request;
    while (stream->Read(&request)) {
      v1::UDPSocketEvent event;
      event.mutable_result()->set_request_id(request.request_id());
      stream->Write(event);
    }
    return grpc::Status::OK;
  }
};

std::vector<double> TimeRoundTrips(int count) {
  std::vector<double> samples;
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) != 0)
    return samples;
  const pid_t child = fork();
  if (child == 0) {
    close(pair[0]);
    EchoService echo;
    grpc::ServerBuilder builder;
    builder.RegisterService(&echo);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    grpc::AddInsecureChannelFromFd(server.get(), pair[1]);
    server->Wait();  // Until the parent's SIGTERM.
    _exit(0);
  }
  close(pair[1]);
  auto channel = grpc::CreateInsecureChannelFromFd("echo", pair[0]);
  auto stub = v1::NetworkService::NewStub(channel);
  grpc::ClientContext context;
  auto stream = stub->OpenUDPSocket(&context);
  v1::UDPSocketRequest request;
  request.mutable_join_group()->set_group_address("239.77.0.1");
  v1::UDPSocketEvent event;
  for (int i = 0; i < count; ++i) {
    request.set_request_id(static_cast<uint64_t>(i) + 1);
    const absl::Time start = absl::Now();
    if (!stream->Write(request) || !stream->Read(&event))
      break;
    samples.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
  }
  stream->WritesDone();
  context.TryCancel();
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);
  return samples;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int joins = absl::GetFlag(FLAGS_joins);
  // The round trips first: the child is forked before any thread of ours.
  const auto [rtt50, rtt99] = Percentiles(TimeRoundTrips(joins));
  long idle_rss_kib = 0;
  const auto [join50, join99] = Percentiles(TimeJoins(joins, &idle_rss_kib));
  if (join50 == 0 || rtt50 == 0) {
    std::fprintf(stderr, "join_latency: no figures\n");
    return 1;
  }
  std::printf("join p50 %.1f p99 %.1f rtt p50 %.1f p99 %.1f\n", join50,
              join99, rtt50, rtt99);
  std::printf("idle_rss_kib %ld\n", idle_rss_kib);
  return 0;
}
