#include "tools/dsock/socket_commands.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "renderer/multicast_controller.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"
#include "tools/dsock/command_status.h"

namespace dsock {

namespace {

using renderer::Promise;
using renderer::UDPMessage;
using renderer::UDPSocket;
using renderer::UDPSocketOptions;

// The checks both subcommands share; returns an error text or "".
std::string CheckGroupAndPort(const GroupOptions& options) {
  if (options.group.empty())
    return "--group is required";
  const int port = options.port;
  if (port < 1 || port > 65535)
    return "--port must be 1..65535";
  if (options.count < 1)
    return "--count must be at least 1";
  return "";
}

// A renderer: the loop and the connection every socket goes through.
struct Renderer {
  explicit Renderer(const std::string& service_socket)
      : connection_owner(
            renderer::NetworkServiceConnection::Connect(&loop, service_socket)),
        connection(*connection_owner) {}

  // Runs the loop until `promise` settles or the deadline passes.
  template <typename T>
  bool Wait(const Promise<T>& promise, absl::Time deadline) {
    return loop.RunUntil([&] { return promise.is_settled(); },
                         deadline - absl::Now());
  }

  common::EventLoop loop;
  std::unique_ptr<renderer::NetworkServiceConnection> connection_owner;
  renderer::NetworkServiceConnection& connection;
};

// "10.0.0.1:5000" or "[fd00::1]:5000".
std::string HostPort(const std::string& address, int port) {
  if (address.find(':') != std::string::npos)
    return absl::StrCat("[", address, "]:", port);
  return absl::StrCat(address, ":", port);
}

// What to do next, for the errors a person meets first.
std::string WithHint(const std::string& error) {
  if (error.find("cannot reach the network service") != std::string::npos) {
    return error +
           "\n  Is a network service running there? Start one (as root): "
           "network_service --socket-path=/run/dsock/network.sock, or give "
           "--service-socket PATH (or $DSOCK_NETWORK_SERVICE_SOCKET) to the "
           "one you run; `dsock run` starts its own for a JS app.";
  }
  if (error.find("EADDRINUSE") != std::string::npos) {
    return error +
           "\n  Another socket holds this port. To share it, give --share to "
           "every socket that binds it (multicastAllowAddressSharing; the "
           "admin's rule must have allow_address_sharing).";
  }
  return error;
}

std::string Describe(const Promise<renderer::UDPSocketOpenInfo>& opened) {
  return opened.is_settled() ? WithHint(opened.error().ToString())
                             : "timed out";
}

}  // namespace

int Send(const SendOptions& options) {
  const std::string command = "send";
  if (std::string why = CheckGroupAndPort(options); !why.empty())
    return UsageError(command, why);
  if (options.ttl < 0 || options.ttl > 255)
    return UsageError(command, "--ttl must be 0..255");
  if (options.interval_ms < 0)
    return UsageError(command, "--interval-ms must not be negative");
  const std::string message = options.message;
  Renderer renderer(options.service_socket);
  UDPSocketOptions socket_options;
  socket_options.remoteAddress = options.group;
  socket_options.remotePort = options.port;
  socket_options.multicastTimeToLive = options.ttl;
  socket_options.multicastLoopback = options.loopback;
  auto socket = UDPSocket::Create(&renderer.connection, socket_options);
  if (!socket.ok())
    return UsageError(command, socket.error().ToString());
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(options.timeout_ms) +
      absl::Milliseconds(int64_t{options.interval_ms} * options.count);
  auto opened = socket.value()->opened();
  renderer.Wait(opened, deadline);
  if (!opened.is_fulfilled())
    return Fail(command, "opening the socket: " + Describe(opened));
  const auto& info = opened.value();
  for (int i = 0; i < options.count; ++i) {
    if (i > 0 && options.interval_ms > 0) {
      renderer.loop.RunUntil([] { return false; },
                             absl::Milliseconds(options.interval_ms));
    }
    UDPMessage datagram;
    datagram.data.assign(message.begin(), message.end());
    auto written = info.writable->Write(std::move(datagram));
    renderer.Wait(written, deadline);
    if (!written.is_fulfilled()) {
      return Fail(command, written.is_settled() ? written.error().ToString()
                                                : "timed out writing");
    }
    std::printf("sent to %s %zu %s\n",
                HostPort(*info.remoteAddress, *info.remotePort).c_str(),
                message.size(), message.c_str());
    std::fflush(stdout);
  }
  auto closed = socket.value()->close();
  renderer.Wait(closed, deadline);
  return kOk;
}

int Recv(const RecvOptions& options) {
  const std::string command = "recv";
  if (std::string why = CheckGroupAndPort(options); !why.empty())
    return UsageError(command, why);
  const std::string group = options.group;
  std::optional<common::IpAddress> group_ip = common::IpAddress::Parse(group);
  if (!group_ip)
    return UsageError(command, "--group must be an IP address");
  Renderer renderer(options.service_socket);
  UDPSocketOptions socket_options;
  // The explainer's receivers bind the wildcard of the group's version.
  socket_options.localAddress = group_ip->is_ipv6() ? "::" : "0.0.0.0";
  socket_options.localPort = options.port;
  if (options.share)
    socket_options.multicastAllowAddressSharing = true;
  auto socket = UDPSocket::Create(&renderer.connection, socket_options);
  if (!socket.ok())
    return UsageError(command, socket.error().ToString());
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(options.timeout_ms);
  auto opened = socket.value()->opened();
  renderer.Wait(opened, deadline);
  if (!opened.is_fulfilled())
    return Fail(command, "opening the socket: " + Describe(opened));
  const auto& info = opened.value();
  renderer::MulticastGroupOptions group_options;
  if (!options.source.empty())
    group_options.sourceAddress = options.source;
  auto joined = info.multicastController->joinGroup(group, group_options);
  renderer.Wait(joined, deadline);
  if (!joined.is_fulfilled()) {
    if (joined.is_settled() && joined.error().is_type_error())
      return UsageError(command, joined.error().ToString());
    return Fail(command,
                "joining: " + (joined.is_settled() ? joined.error().ToString()
                                                   : std::string("timed out")));
  }
  std::printf("joined %s%s on port %d\n", group.c_str(),
              group_options.sourceAddress
                  ? (" from " + *group_options.sourceAddress).c_str()
                  : "",
              info.localPort);
  std::fflush(stdout);
  int received = 0;
  const int count = options.count;
  while (received < count) {
    auto read = info.readable->Read();
    renderer.Wait(read, deadline);
    if (!read.is_settled()) {
      return Fail(command, absl::StrCat("timed out: ", received, " of ", count,
                                        " datagrams arrived"));
    }
    if (read.is_rejected())
      return Fail(command, read.error().ToString());
    if (read.value().done)
      return Fail(command, "the socket closed");
    const UDPMessage& message = *read.value().value;
    const std::string text(message.data.begin(), message.data.end());
    std::printf(
        "from %s %zu %s\n",
        HostPort(*message.remoteAddress, static_cast<int>(*message.remotePort))
            .c_str(),
        message.data.size(), text.c_str());
    std::fflush(stdout);
    ++received;
  }
  auto closed = socket.value()->close();
  renderer.Wait(closed, absl::Now() + absl::Seconds(5));
  return kOk;
}

}  // namespace dsock
