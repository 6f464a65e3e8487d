// Test helper, a renderer in miniature: opens N bound UDP sockets on
// 127.0.0.1 through the network service, prints "port P" for each once all
// are open, then serves its loop until killed.
// Usage: socket_holder SOCKET_PATH N
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "common/event_loop.h"
#include "renderer/network_service_connection.h"
#include "renderer/udp_socket.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: socket_holder SOCKET_PATH N\n");
    return 2;
  }
  common::EventLoop loop;
  renderer::NetworkServiceConnection connection(&loop, argv[1]);
  std::vector<std::shared_ptr<renderer::UDPSocket>> sockets;
  renderer::UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
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
  for (auto& socket : sockets) {
    if (!socket->opened().is_fulfilled())
      return 1;
    std::printf("port %d\n", socket->opened().value().localPort);
  }
  std::fflush(stdout);
  loop.Run();  // Until killed.
  return 0;
}
