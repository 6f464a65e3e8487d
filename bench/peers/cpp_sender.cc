// cpp_sender --port=P --seconds=S --size=B [--one_at_a_time]
//     --network_service=PATH: the C++ embedding's send row of
// bench/peers/run. An app on the renderer library (the C++ UDPSocket and
// its writable), bound by an in-process host::Host to a network service it
// starts, with its channel and datagram pipe as a renderer gets them:
// connects to 127.0.0.1:P, says "ready", then writes B-byte datagrams for S
// seconds and prints "count N ms M" (writes whose promise settled, and the
// time until the last did). The C++ writable settles each write at the
// service's answer; by default it writes as fast as its desired size
// allows (writes travel in batches), with --one_at_a_time each write waits
// for the one before it to settle, as a WritableStream's sink is fed.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "bench/peers/bench_app.h"

ABSL_FLAG(int, port, 0, "The port on 127.0.0.1 to send to.");
ABSL_FLAG(double, seconds, 2, "How long to send.");
ABSL_FLAG(int, size, 64, "Bytes per datagram.");
ABSL_FLAG(bool,
          one_at_a_time,
          false,
          "Wait for each write to settle before the next.");
ABSL_FLAG(std::string,
          network_service,
          "network_service/network_service",
          "The network service program.");

namespace {

using renderer::Promise;
using renderer::Undefined;

int Run() {
  std::unique_ptr<bench::BenchApp> app = bench::BenchApp::Start(
      "cpp_sender", absl::GetFlag(FLAGS_network_service));
  if (!app)
    return 1;
  renderer::UDPSocketOptions socket_options;
  socket_options.remoteAddress = "127.0.0.1";
  socket_options.remotePort = absl::GetFlag(FLAGS_port);
  socket_options.sendBufferSize = 4 << 20;
  const renderer::UDPSocketOpenInfo* info = app->Open(socket_options);
  if (info == nullptr)
    return 1;
  common::EventLoop& loop = app->loop();

  auto writable = info->writable;
  const bool one_at_a_time = absl::GetFlag(FLAGS_one_at_a_time);
  const std::vector<uint8_t> data(absl::GetFlag(FLAGS_size), 0);
  int64_t written = 0, settled = 0;
  bool failed = false;
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::function<void()> write_more = [&] {
    while (!failed && absl::Now() < end) {
      if (one_at_a_time ? written > settled : writable->desired_size() <= 0) {
        return;  // A settling write calls back.
      }
      renderer::UDPMessage message;
      message.data = data;
      Promise<Undefined> write = writable->Write(std::move(message));
      ++written;
      write.Then([&](const Promise<Undefined>::Result&) {
        if (write.is_rejected())
          failed = true;
        ++settled;
        write_more();
      });
    }
  };
  write_more();
  loop.RunUntil(
      [&] { return failed || (absl::Now() >= end && settled == written); },
      absl::Seconds(absl::GetFlag(FLAGS_seconds) + 10), absl::Milliseconds(10));
  const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
  std::printf("count %lld ms %lld%s\n", static_cast<long long>(settled),
              static_cast<long long>(ms), failed ? " (a write failed)" : "");
  std::fflush(stdout);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return Run();
}
