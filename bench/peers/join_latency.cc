// join_latency --network_service=PATH --joins=N: the join row of
// bench/peers/run. Two figures from one run, in microseconds, as
// "join p50 P p99 Q rtt p50 R p99 S":
//  - join: an app on the renderer library (bound by an in-process host to
//    a network service it starts, as cpp_receiver is) calls joinGroup() and
//    waits for its promise: the renderer, the datagram pipe, the service's
//    checks and the kernel's MCAST_JOIN_GROUP, and back. Each join is
//    followed by a leave (not timed), so every join reaches the kernel.
//  - rtt: one bare gRPC round trip of the same interface over the same kind
//    of channel (a Unix socket pair) to a forked child that answers each
//    request at once, with none of our layers: the floor a join stands on.
// Then "scale sockets S memberships M join p50 P p99 Q rss_kib R kernel p50
// K p99 L": the same joins made while --apps apps hold --sockets_per_app
// sockets each, each socket joining --groups_per_socket groups, and the
// service's resident memory with all of them; after each of those joins, a
// plain socket of this process joins a group of its own with
// IP_ADD_MEMBERSHIP, timed alone: the kernel's own join in the same state
// at the same moments; then "kernel_one p50 A p99 B": the same plain join
// (and an untimed leave) right after each of the one-socket joins, so that
// the kernel's own growth from one group to this scale is a ratio too; and
// "idle_rss_kib K after_scale_rss_kib A": its memory with one app's one socket
// (before the scale), and once they all closed. Needs a multicast route
// (bench/peers/run adds one in its namespace).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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
// 40 apps x 25 sockets x 10 groups: 1,000 sockets and 10,000 memberships,
// within the per-app caps (64 sockets, 256 memberships).
ABSL_FLAG(int, apps, 40, "Apps at scale.");
ABSL_FLAG(int, sockets_per_app, 25, "Sockets per app at scale.");
ABSL_FLAG(int, groups_per_socket, 10, "Memberships per socket at scale.");

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
  FILE* status =
      std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
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

// What TimeJoins measured.
struct JoinFigures {
  std::vector<double> one_socket;       // Join latencies, one socket, µs.
  std::vector<double> at_scale;         // The same with every socket joined.
  std::vector<double> kernel_at_scale;  // A plain socket's join after each.
  std::vector<double> kernel_one;       // The same after each one-socket join.
  int sockets = 0;
  int memberships = 0;
  long idle_rss_kib = 0;   // The service with one app's one socket.
  long scale_rss_kib = 0;  // The service with all of them.
  long after_rss_kib = 0;  // The service once they all closed.
};

// Plain UDP sockets of this process, for the kernel's own join: the n-th
// join goes to socket n % count (20 a socket at most, as the kernel
// allows), to a group of a range ours do not use.
class PlainSockets {
 public:
  explicit PlainSockets(int count) {
    // Beside the renderer's, these need more than the default 1,024.
    rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    for (int i = 0; i < count; ++i) {
      const int fd = socket(AF_INET, SOCK_DGRAM, 0);
      if (fd >= 0)
        fds_.push_back(fd);
    }
  }
  ~PlainSockets() {
    for (int fd : fds_)
      close(fd);
  }
  // IP_ADD_MEMBERSHIP of the n-th group, in µs, or -1; with `leave`, an
  // untimed IP_DROP_MEMBERSHIP after it.
  double TimedJoin(int n, bool leave = false) {
    if (fds_.empty())
      return -1;
    ip_mreqn request{};
    request.imr_multiaddr.s_addr =
        htonl((239u << 24) | (79u << 16) | static_cast<uint32_t>(n));
    const int fd = fds_[n % fds_.size()];
    const absl::Time start = absl::Now();
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request,
                   sizeof(request)) != 0) {
      return -1;
    }
    const double took = absl::ToDoubleMicroseconds(absl::Now() - start);
    if (leave)
      setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &request, sizeof(request));
    return took;
  }

 private:
  std::vector<int> fds_;
};

// An app's connection and its open sockets.
struct App {
  std::unique_ptr<renderer::NetworkServiceConnection> connection;
  std::vector<std::shared_ptr<renderer::UDPSocket>> sockets;
};

// A bound socket of `app` on 0.0.0.0, open (null if it did not open).
std::shared_ptr<renderer::UDPSocket> OpenBound(common::EventLoop& loop,
                                               App& app) {
  renderer::UDPSocketOptions options;
  options.localAddress = "0.0.0.0";
  auto socket = renderer::UDPSocket::Create(app.connection.get(), options);
  if (!socket.ok())
    return nullptr;
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
  if (!opened.is_fulfilled() || !opened.value().multicastController)
    return nullptr;
  return socket.value();
}

// Joins `group` on `socket` and returns how long it took (µs), or -1.
double TimedJoin(common::EventLoop& loop,
                 renderer::UDPSocket& socket,
                 const std::string& group) {
  const absl::Time start = absl::Now();
  auto joined = socket.opened().value().multicastController->joinGroup(group);
  loop.RunUntil([&] { return joined.is_settled(); }, absl::Seconds(5));
  return joined.is_fulfilled() ? absl::ToDoubleMicroseconds(absl::Now() - start)
                               : -1;
}

// One socket's joins (each followed by a leave), then `apps` apps of
// `sockets_per_app` sockets with `groups_per_socket` memberships each
// (within the per-app caps and the kernel's 20 per socket), all on one
// service.
JoinFigures TimeJoins(int joins,
                      int apps,
                      int sockets_per_app,
                      int groups_per_socket) {
  common::EventLoop loop;
  host::Host::Options options{absl::GetFlag(FLAGS_network_service)};
  options.unsafe_development_mode = true;
  auto host = std::make_unique<host::Host>(&loop, options);
  JoinFigures figures;
  if (!host->StartNetworkService().ok())
    return figures;
  std::vector<App> all(static_cast<size_t>(apps));
  for (int i = 0; i < apps; ++i) {
    absl::StatusOr<host::Host::RendererEnds> ends =
        host->NewInProcessRendererEnds("isolated-app://bench" +
                                       std::to_string(i));
    if (!ends.ok())
      return figures;
    all[i].connection = renderer::NetworkServiceConnection::FromInheritedFds(
        &loop, ends->channel, ends->datagram_pipe);
  }
  std::shared_ptr<renderer::UDPSocket> first = OpenBound(loop, all[0]);
  if (first == nullptr)
    return figures;
  {
    PlainSockets kernel(1);
    for (int i = 0; i < joins; ++i) {
      const double took = TimedJoin(loop, *first, "239.77.0.1");
      if (took < 0)
        break;
      figures.one_socket.push_back(took);
      auto left =
          first->opened().value().multicastController->leaveGroup("239.77.0.1");
      loop.RunUntil([&] { return left.is_settled(); }, absl::Seconds(5));
      const double kernel_took = kernel.TimedJoin(0, /*leave=*/true);
      if (kernel_took >= 0)
        figures.kernel_one.push_back(kernel_took);
    }
  }
  figures.idle_rss_kib = ResidentKib(host->network_service_pid());
  // At scale: every app's sockets, then their memberships, joined in turn.
  for (App& app : all) {
    for (int i = 0; i < sockets_per_app; ++i) {
      if (auto socket = OpenBound(loop, app))
        app.sockets.push_back(std::move(socket));
    }
    figures.sockets += static_cast<int>(app.sockets.size());
  }
  PlainSockets kernel(figures.sockets);
  int group = 0;
  for (int round = 0; round < groups_per_socket; ++round) {
    for (App& app : all) {
      for (auto& socket : app.sockets) {
        ++group;
        const std::string address = "239.78." + std::to_string(group / 250) +
                                    "." + std::to_string(group % 250 + 1);
        const double took = TimedJoin(loop, *socket, address);
        if (took >= 0) {
          figures.at_scale.push_back(took);
          ++figures.memberships;
        }
        const double kernel_took = kernel.TimedJoin(group);
        if (kernel_took >= 0)
          figures.kernel_at_scale.push_back(kernel_took);
      }
    }
  }
  figures.scale_rss_kib = ResidentKib(host->network_service_pid());
  std::vector<renderer::Promise<renderer::Undefined>> closing;
  closing.push_back(first->close());
  for (App& app : all) {
    for (auto& socket : app.sockets)
      closing.push_back(socket->close());
  }
  loop.RunUntil(
      [&] {
        return std::all_of(
            closing.begin(), closing.end(),
            [](const auto& closed) { return closed.is_settled(); });
      },
      absl::Seconds(30));
  figures.after_rss_kib = ResidentKib(host->network_service_pid());
  return figures;
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
  const JoinFigures figures = TimeJoins(joins, absl::GetFlag(FLAGS_apps),
                                        absl::GetFlag(FLAGS_sockets_per_app),
                                        absl::GetFlag(FLAGS_groups_per_socket));
  const auto [join50, join99] = Percentiles(figures.one_socket);
  const auto [scale50, scale99] = Percentiles(figures.at_scale);
  const auto [kernel50, kernel99] = Percentiles(figures.kernel_at_scale);
  const auto [kernel_one50, kernel_one99] = Percentiles(figures.kernel_one);
  if (join50 == 0 || rtt50 == 0) {
    std::fprintf(stderr, "join_latency: no figures\n");
    return 1;
  }
  std::printf("join p50 %.1f p99 %.1f rtt p50 %.1f p99 %.1f\n", join50, join99,
              rtt50, rtt99);
  std::printf(
      "scale sockets %d memberships %d join p50 %.1f p99 %.1f "
      "rss_kib %ld kernel p50 %.1f p99 %.1f kernel_one p50 %.1f p99 %.1f\n",
      figures.sockets, figures.memberships, scale50, scale99,
      figures.scale_rss_kib, kernel50, kernel99, kernel_one50, kernel_one99);
  std::printf("idle_rss_kib %ld after_scale_rss_kib %ld\n",
              figures.idle_rss_kib, figures.after_rss_kib);
  return 0;
}
