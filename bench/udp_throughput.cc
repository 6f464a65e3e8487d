// Datagrams per second through the process split (renderer library ->
// gRPC -> network service -> kernel and back) against a raw UDP socket in
// this process, measured in the same run on the same machine, for 64-byte
// and 1200-byte payloads. Prints ratios; run by hand, not by the tests:
//
//   bazel run -c opt //bench:udp_throughput -- --seconds=2
//
// Receive: a sender thread floods a socket on 127.0.0.1 for the whole
// window; we count what the application actually got. Send: the
// application writes as fast as it may (the writable's back-pressure for the
// split, a tight sendto loop for raw) and we count completed writes.
// "split" is a C++ app on the renderer library; "js" is a JavaScript app
// (bench/js/*.mjs) in js_renderer, through the same network service.
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "network_service/forked_network_service.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"

ABSL_FLAG(double, seconds, 2.0, "Length of each measurement window.");

namespace {

using renderer::Promise;
using renderer::ReadResult;
using renderer::UDPMessage;

int BoundSocket(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_storage storage;
  socklen_t length =
      common::IpAddress::Parse("127.0.0.1")->ToSockaddr(0, &storage);
  bind(fd, reinterpret_cast<sockaddr*>(&storage), length);
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  length = sizeof(storage);
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  *port = common::SockaddrPort(reinterpret_cast<sockaddr*>(&storage));
  return fd;
}

// Floods 127.0.0.1:port with `size`-byte datagrams until `stop`.
std::thread Flood(uint16_t port, size_t size, std::atomic<bool>* stop) {
  return std::thread([port, size, stop] {
    uint16_t own;
    const int fd = BoundSocket(&own);
    sockaddr_storage to;
    socklen_t length =
        common::IpAddress::Parse("127.0.0.1")->ToSockaddr(port, &to);
    std::string payload(size, 'b');
    while (!stop->load(std::memory_order_relaxed)) {
      sendto(fd, payload.data(), payload.size(), 0,
             reinterpret_cast<sockaddr*>(&to), length);
    }
    close(fd);
  });
}

double RawReceive(size_t size, absl::Duration window) {
  uint16_t port;
  const int fd = BoundSocket(&port);
  std::atomic<bool> stop{false};
  std::thread sender = Flood(port, size, &stop);
  char buffer[65536];
  int64_t count = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < window) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0)
      continue;
    if (recv(fd, buffer, sizeof(buffer), 0) > 0)
      ++count;
  }
  const double rate = count / absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  sender.join();
  close(fd);
  return rate;
}

double RawSend(size_t size, absl::Duration window) {
  uint16_t sink_port, own;
  const int sink = BoundSocket(&sink_port);
  const int fd = BoundSocket(&own);
  sockaddr_storage to;
  socklen_t length =
      common::IpAddress::Parse("127.0.0.1")->ToSockaddr(sink_port, &to);
  std::string payload(size, 's');
  int64_t count = 0;
  const absl::Time start = absl::Now();
  while (absl::Now() - start < window) {
    for (int i = 0; i < 64; ++i) {
      if (sendto(fd, payload.data(), payload.size(), 0,
                 reinterpret_cast<sockaddr*>(&to), length) > 0) {
        ++count;
      }
    }
  }
  const double rate = count / absl::ToDoubleSeconds(absl::Now() - start);
  close(fd);
  close(sink);
  return rate;
}

std::shared_ptr<renderer::UDPSocket> Open(
    common::EventLoop& loop,
    renderer::NetworkServiceConnection& connection,
    const renderer::UDPSocketOptions& options) {
  auto socket = renderer::UDPSocket::Create(&connection, options);
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
  if (!opened.is_fulfilled()) {
    std::fprintf(stderr, "open failed\n");
    std::exit(1);
  }
  return socket.value();
}

double SplitReceive(common::EventLoop& loop,
                    renderer::NetworkServiceConnection& connection,
                    size_t size,
                    absl::Duration window) {
  renderer::UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  options.receiveBufferSize = 4 << 20;
  auto socket = Open(loop, connection, options);
  const auto& info = socket->opened().value();
  std::atomic<bool> stop{false};
  std::thread sender = Flood(info.localPort, size, &stop);
  int64_t count = 0;
  bool failed = false;
  std::function<void()> read_next = [&] {
    info.readable->Read().Then([&](const Promise<ReadResult>::Result& r) {
      if (!std::holds_alternative<ReadResult>(r)) {
        failed = true;
        return;
      }
      if (std::get<ReadResult>(r).done)
        return;  // Closed.
      ++count;
      read_next();
    });
  };
  const absl::Time start = absl::Now();
  read_next();
  loop.RunUntil([&] { return failed; }, window);
  const double rate = count / absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  sender.join();
  auto closed = socket->close();
  loop.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(5));
  return rate;
}

double SplitSend(common::EventLoop& loop,
                 renderer::NetworkServiceConnection& connection,
                 size_t size,
                 absl::Duration window) {
  uint16_t sink_port;
  const int sink = BoundSocket(&sink_port);
  renderer::UDPSocketOptions options;
  options.remoteAddress = "127.0.0.1";
  options.remotePort = sink_port;
  auto socket = Open(loop, connection, options);
  const auto& info = socket->opened().value();
  int64_t completed = 0;
  bool failed = false;
  bool done = false;
  const absl::Time start = absl::Now();
  UDPMessage message;
  message.data.assign(size, 'w');
  // Write while the stream wants more; wait on `ready` when it does not.
  std::function<void()> fill = [&] {
    while (!done && !failed && info.writable->desired_size() > 0) {
      info.writable->Write(message).Then(
          [&](const Promise<renderer::Undefined>::Result& r) {
            if (std::holds_alternative<renderer::ScriptError>(r)) {
              failed = true;
            } else {
              ++completed;
            }
          });
    }
    if (!done && !failed) {
      info.writable->Ready().Then(
          [&](const Promise<renderer::Undefined>::Result&) { fill(); });
    }
  };
  fill();
  loop.RunUntil([&] { return failed; }, window);
  const double rate = completed / absl::ToDoubleSeconds(absl::Now() - start);
  done = true;
  auto closed = socket->close();
  loop.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(5));
  close(sink);
  return rate;
}

// Runs the JS app bench/js/`app` in js_renderer against the service at
// `socket_path`, with its parameters in a params.mjs beside it (apps import
// only from their own directory). Returns datagrams per second, or -1.
double RunJsApp(const std::string& socket_path,
                const std::string& work_dir,
                const std::string& app,
                uint16_t port,
                size_t size,
                absl::Duration window) {
  const std::string dir = work_dir + "/js";
  mkdir(dir.c_str(), 0700);
  {
    // bazel run starts this in its runfiles root, where these paths are.
    std::ifstream source("bench/js/" + app);
    std::ofstream copy(dir + "/" + app);
    copy << source.rdbuf();
    std::ofstream params(dir + "/params.mjs");
    params << "export const port = " << port << ", size = " << size
           << ", seconds = " << absl::ToDoubleSeconds(window) << ";\n";
  }
  const std::string command = "renderer/js/js_renderer --service-socket " +
                              socket_path + " " + dir + "/" + app + " 2>&1";
  FILE* output = popen(command.c_str(), "r");
  if (output == nullptr)
    return -1;
  char line[256];
  long long count = -1, ms = 0;
  while (std::fgets(line, sizeof(line), output) != nullptr) {
    if (std::sscanf(line, "count %lld ms %lld", &count, &ms) != 2)
      std::fputs(line, stderr);
  }
  pclose(output);
  return count < 0 || ms <= 0 ? -1 : count * 1000.0 / ms;
}

double JsReceive(const std::string& socket_path,
                 const std::string& work_dir,
                 size_t size,
                 absl::Duration window) {
  // A free port for the app: the kernel picks, we let go of it.
  uint16_t port;
  close(BoundSocket(&port));
  std::atomic<bool> stop{false};
  std::thread sender = Flood(port, size, &stop);
  const double rate =
      RunJsApp(socket_path, work_dir, "receive.mjs", port, size, window);
  stop = true;
  sender.join();
  return rate;
}

double JsSend(const std::string& socket_path,
              const std::string& work_dir,
              size_t size,
              absl::Duration window) {
  uint16_t sink_port;
  const int sink = BoundSocket(&sink_port);
  const double rate =
      RunJsApp(socket_path, work_dir, "send.mjs", sink_port, size, window);
  close(sink);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Duration window = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  char pattern[] = "/tmp/dsock-bench.XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string directory = pattern;
  const std::string socket_path = directory + "/run/network.sock";
  // The service as a process of its own (the split this measures), forked
  // through its library before this program makes any thread.
  network_service::NetworkService::Options options;
  options.socket_path = socket_path;
  options.unsafe_development_mode = true;
  auto service = network_service::ForkedNetworkService::Start(options);
  if (!service.ok()) {
    std::fprintf(stderr, "%s\n", service.status().ToString().c_str());
    return 1;
  }
  common::EventLoop loop;
  auto connection =
      std::make_unique<renderer::NetworkServiceConnection>(&loop, socket_path);
  std::printf("%-10s %6s %12s %12s %12s %8s %8s\n", "direction", "bytes",
              "raw dgram/s", "split", "js", "split/raw", "js/raw");
  auto report = [](const char* direction, size_t size, double raw, double split,
                   double js) {
    std::printf("%-10s %6zu %12.0f %12.0f %12.0f %9.2f %8.2f\n", direction,
                size, raw, split, js, split / raw, js / raw);
    std::fflush(stdout);
  };
  for (size_t size : {size_t{64}, size_t{1200}}) {
    const double raw = RawReceive(size, window);
    const double split = SplitReceive(loop, *connection, size, window);
    const double js = JsReceive(socket_path, directory, size, window);
    report("receive", size, raw, split, js);
  }
  for (size_t size : {size_t{64}, size_t{1200}}) {
    const double raw = RawSend(size, window);
    const double split = SplitSend(loop, *connection, size, window);
    const double js = JsSend(socket_path, directory, size, window);
    report("send", size, raw, split, js);
  }
  connection.reset();
  service->reset();  // Ends the service, which removes its socket file.
  std::filesystem::remove_all(directory);
  return 0;
}
