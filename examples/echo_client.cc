// A renderer-side program built on the renderer library: it opens a
// connected UDPSocket through the network service, sends --count messages
// to --remote_address:--remote_port, and prints each one that comes back.
// It never touches the network itself.
//
// Usage: echo_client --service_socket=PATH --remote_port=P
//                    [--remote_address=127.0.0.1] [--count=5]
// The service socket may also come from $DSOCK_NETWORK_SERVICE_SOCKET.
// Exits 0 when every message came back, 1 on an error or timeout, 2 on a
// usage error.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/event_loop.h"
#include "renderer/network_service_connection.h"
#include "renderer/sandbox.h"
#include "renderer/udp_socket.h"

ABSL_FLAG(std::string,
          service_socket,
          "",
          "The network service's Unix socket (default: "
          "$DSOCK_NETWORK_SERVICE_SOCKET, else /run/dsock/network.sock).");
ABSL_FLAG(std::string,
          remote_address,
          "127.0.0.1",
          "Echo peer address (IP or host name).");
ABSL_FLAG(int, remote_port, 0, "Echo peer port.");
ABSL_FLAG(int, count, 5, "How many messages to send.");
ABSL_FLAG(int, timeout_ms, 5000, "Give up after this long.");

using renderer::Promise;
using renderer::ReadResult;
using renderer::UDPMessage;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Sends messages to a UDP echo peer through the network service.");
  absl::ParseCommandLine(argc, argv);
  // Started by a host: give up every way to the network but the channel.
  absl::Status sandboxed = renderer::EnterSandboxIfHosted();
  if (!sandboxed.ok()) {
    std::fprintf(stderr, "echo_client: %s\n", sandboxed.ToString().c_str());
    return 1;
  }
  common::EventLoop loop;
  std::unique_ptr<renderer::NetworkServiceConnection> connection =
      renderer::NetworkServiceConnection::Connect(
          &loop, absl::GetFlag(FLAGS_service_socket));
  const int count = absl::GetFlag(FLAGS_count);
  if (absl::GetFlag(FLAGS_remote_port) <= 0 || count <= 0) {
    std::fprintf(stderr,
                 "echo_client: need --remote_port and a positive --count; "
                 "see --help\n");
    return 2;
  }
  std::printf("echo_client: renderer pid %d, network service at %s\n",
              static_cast<int>(getpid()), connection->target().c_str());
  renderer::UDPSocketOptions options;
  options.remoteAddress = absl::GetFlag(FLAGS_remote_address);
  options.remotePort = absl::GetFlag(FLAGS_remote_port);
  auto socket = renderer::UDPSocket::Create(connection.get(), options);
  if (!socket.ok()) {
    std::fprintf(stderr, "echo_client: %s\n",
                 socket.error().ToString().c_str());
    return 2;
  }
  const absl::Duration timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, timeout);
  if (!opened.is_fulfilled()) {
    std::fprintf(
        stderr, "echo_client: opened: %s\n",
        opened.is_settled() ? opened.error().ToString().c_str() : "timed out");
    return 1;
  }
  const renderer::UDPSocketOpenInfo& info = opened.value();
  std::printf("echo_client: socket %s:%d -> %s:%d\n", info.localAddress.c_str(),
              info.localPort, info.remoteAddress->c_str(), *info.remotePort);

  int echoed = 0;
  std::optional<renderer::ScriptError> failure;
  for (int i = 0; i < count; ++i) {
    const std::string text = absl::StrCat("hello #", i + 1);
    UDPMessage message;
    message.data.assign(text.begin(), text.end());
    info.writable->Write(std::move(message))
        .Then([&](const Promise<renderer::Undefined>::Result& result) {
          if (auto* error = std::get_if<renderer::ScriptError>(&result)) {
            failure = *error;
          }
        });
  }
  std::function<void()> read_next = [&] {
    info.readable->Read().Then([&](const Promise<ReadResult>::Result& result) {
      if (auto* error = std::get_if<renderer::ScriptError>(&result)) {
        failure = *error;
        return;
      }
      const UDPMessage& message = *std::get<ReadResult>(result).value;
      std::printf(
          "echo_client: came back: %s\n",
          std::string(message.data.begin(), message.data.end()).c_str());
      if (++echoed < count)
        read_next();
    });
  };
  read_next();
  loop.RunUntil([&] { return echoed == count || failure.has_value(); },
                timeout);
  auto closed = socket.value()->close();
  loop.RunUntil([&] { return closed.is_settled(); }, timeout);
  if (failure) {
    std::fprintf(stderr, "echo_client: %s\n", failure->ToString().c_str());
    return 1;
  }
  std::printf("echo_client: %d of %d messages came back; socket closed %s\n",
              echoed, count, closed.is_fulfilled() ? "cleanly" : "with error");
  return echoed == count && closed.is_fulfilled() ? 0 : 1;
}
