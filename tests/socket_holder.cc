// Test helper, a renderer in miniature: opens N bound UDP sockets through
// the network service (on 127.0.0.1, or on 0.0.0.0 when a GROUP is given,
// which each socket then joins), prints "port P" for each once all are
// ready, then serves its loop until killed.
// Usage: socket_holder SOCKET_PATH N [GROUP]
// (SOCKET_PATH is ignored when a host gave it a channel.)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "common/event_loop.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: socket_holder SOCKET_PATH N [GROUP]\n");
    return 2;
  }
  const char* group = argc == 4 ? argv[3] : nullptr;
  common::EventLoop loop;
  // Under a host, the inherited channel; else the socket path.
  std::unique_ptr<renderer::NetworkServiceConnection> owned =
      renderer::NetworkServiceConnection::Connect(&loop, argv[1]);
  renderer::NetworkServiceConnection& connection = *owned;
  std::vector<std::shared_ptr<renderer::UDPSocket>> sockets;
  renderer::UDPSocketOptions options;
  // A group's sockets bind the wildcard of its IP version.
  options.localAddress = !group                    ? "127.0.0.1"
                         : std::strchr(group, ':') ? "::"
                                                   : "0.0.0.0";
  for (int i = 0; i < std::atoi(argv[2]); ++i) {
    auto socket = renderer::UDPSocket::Create(&connection, options);
    if (!socket.ok())
      return 1;
    sockets.push_back(socket.value());
  }
  const bool opened = loop.RunUntil(
      [&] {
        for (auto& socket : sockets) {
          if (!socket->opened().is_settled())
            return false;
        }
        return true;
      },
      absl::Seconds(10));
  if (!opened)
    return 1;
  std::vector<renderer::Promise<renderer::Undefined>> joins;
  for (auto& socket : sockets) {
    if (!socket->opened().is_fulfilled())
      return 1;
    if (group) {
      joins.push_back(
          socket->opened().value().multicastController->joinGroup(group));
    }
  }
  const bool joined = loop.RunUntil(
      [&] {
        for (auto& join : joins) {
          if (!join.is_settled())
            return false;
        }
        return true;
      },
      absl::Seconds(10));
  for (auto& join : joins) {
    if (!joined || !join.is_fulfilled())
      return 1;
  }
  for (auto& socket : sockets)
    std::printf("port %d\n", socket->opened().value().localPort);
  std::fflush(stdout);
  loop.Run();  // Until killed.
  return 0;
}
