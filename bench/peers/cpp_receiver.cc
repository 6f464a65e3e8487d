// cpp_receiver --port=P --seconds=S --network_service=PATH: the C++
// embedding's row of bench/peers/run. An app on the renderer library (the
// C++ UDPSocket and its readable), bound by an in-process host::Host to a
// network service it starts, with its channel and datagram pipe as a
// renderer gets them: binds 127.0.0.1:P, says "ready", then from the first
// datagram on reads for S seconds and prints "count N ms M".
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "bench/peers/bench_app.h"

ABSL_FLAG(int, port, 0, "The port to bind on 127.0.0.1.");
ABSL_FLAG(double, seconds, 2, "How long to count from the first datagram.");
ABSL_FLAG(std::string,
          network_service,
          "network_service/network_service",
          "The network service program.");

namespace {

using renderer::Promise;
using renderer::ReadResult;

int Run() {
  std::unique_ptr<bench::BenchApp> app = bench::BenchApp::Start(
      "cpp_receiver", absl::GetFlag(FLAGS_network_service));
  if (!app)
    return 1;
  renderer::UDPSocketOptions socket_options;
  socket_options.localAddress = "127.0.0.1";
  socket_options.localPort = absl::GetFlag(FLAGS_port);
  socket_options.receiveBufferSize = 4 << 20;
  const renderer::UDPSocketOpenInfo* info = app->Open(socket_options);
  if (info == nullptr)
    return 1;
  common::EventLoop& loop = app->loop();

  auto readable = info->readable;
  int64_t count = 0;
  bool over = false;
  absl::Time start, end = absl::InfiniteFuture();
  // Takes what is queued at once; waits (Then) only on an empty queue.
  std::function<void()> read_more = [&] {
    while (!over) {
      Promise<ReadResult> read = readable->Read();
      if (!read.is_settled()) {
        read.Then([&](const Promise<ReadResult>::Result&) { read_more(); });
        return;
      }
      if (!read.is_fulfilled() || read.value().done) {
        over = true;
        return;
      }
      if (count++ == 0) {
        start = absl::Now();
        end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
      }
      if (absl::Now() >= end)
        over = true;
    }
  };
  read_more();
  // The first datagram within 20 s, then the window.
  loop.RunUntil([&] { return over; }, absl::Seconds(20));
  if (count > 0) {
    loop.RunUntil([&] { return over; },
                  absl::Seconds(absl::GetFlag(FLAGS_seconds) + 5));
  }
  const int64_t ms =
      count > 0 ? absl::ToInt64Milliseconds(absl::Now() - start) : 0;
  std::printf("count %lld ms %lld\n", static_cast<long long>(count),
              static_cast<long long>(ms));
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return Run();
}
