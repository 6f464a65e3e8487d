#ifndef BENCH_PEERS_BENCH_APP_H_
#define BENCH_PEERS_BENCH_APP_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/event_loop.h"
#include "host/host.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"

namespace bench {

// The C++ rows' app (cpp_receiver, cpp_sender): an in-process host::Host
// that starts the network service program `service` and binds this process,
// as "isolated-app://bench", with its channel and datagram pipe as a
// renderer gets them; then one socket of the renderer library. Main thread
// only; its loop is the renderer's.
class BenchApp {
 public:
  // Null, with a line on stderr from `who`, when it cannot start.
  static std::unique_ptr<BenchApp> Start(const std::string& who,
                                         const std::string& service) {
    auto app = std::unique_ptr<BenchApp>(new BenchApp(who));
    host::Host::Options options{service};
    options.unsafe_development_mode = true;  // A benchmark, not a policy test.
    app->host_ = std::make_unique<host::Host>(&app->loop_, options);
    if (!app->host_->StartNetworkService().ok()) {
      std::fprintf(stderr, "%s: cannot start the network service\n",
                   who.c_str());
      return nullptr;
    }
    absl::StatusOr<host::Host::RendererEnds> ends =
        app->host_->NewInProcessRendererEnds("isolated-app://bench");
    if (!ends.ok()) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(),
                   std::string(ends.status().message()).c_str());
      return nullptr;
    }
    app->connection_ = renderer::NetworkServiceConnection::FromInheritedFds(
        &app->loop_, ends->channel, ends->datagram_pipe);
    return app;
  }

  ~BenchApp() {
    if (socket_) {
      auto closed = socket_->close();
      loop_.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(5));
    }
    socket_.reset();
    connection_.reset();
    host_.reset();
  }

  // Opens the app's socket with `options` and says "ready" on stdout (what
  // bench/peers/run waits for): its open info, or null (with a line on
  // stderr) when it does not open within 10 s.
  const renderer::UDPSocketOpenInfo* Open(
      const renderer::UDPSocketOptions& options) {
    auto created = renderer::UDPSocket::Create(connection_.get(), options);
    if (!created.ok()) {
      std::fprintf(stderr, "%s: %s\n", who_.c_str(),
                   created.error().message().c_str());
      return nullptr;
    }
    socket_ = created.value();
    auto opened = socket_->opened();
    loop_.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_fulfilled()) {
      std::fprintf(stderr, "%s: the socket did not open\n", who_.c_str());
      return nullptr;
    }
    info_ = opened.value();
    std::printf("ready\n");
    std::fflush(stdout);
    return &info_;
  }

  common::EventLoop& loop() { return loop_; }

 private:
  explicit BenchApp(std::string who) : who_(std::move(who)) {}

  const std::string who_;
  common::EventLoop loop_;
  std::unique_ptr<host::Host> host_;
  std::unique_ptr<renderer::NetworkServiceConnection> connection_;
  std::shared_ptr<renderer::UDPSocket> socket_;
  renderer::UDPSocketOpenInfo info_;
};

}  // namespace bench

#endif  // BENCH_PEERS_BENCH_APP_H_
