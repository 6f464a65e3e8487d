// A plain UDP echo server: the third-party peer of the main job. It is not
// part of the system under test and uses no project code but the address
// parser: it binds, then sends every datagram back to where it came from.
//
// Usage: udp_echo_peer [--address=127.0.0.1] [--port=0]
// Prints "udp_echo_peer: echoing on ADDRESS PORT (pid N)" once bound; exits
// on SIGTERM or SIGINT.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/ip_address.h"

ABSL_FLAG(std::string, address, "127.0.0.1", "IP address to bind.");
ABSL_FLAG(int, port, 0, "Port to bind; 0 lets the system pick.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("A UDP echo server for the main job.");
  absl::ParseCommandLine(argc, argv);
  const std::string address_text = absl::GetFlag(FLAGS_address);
  const auto address = common::IpAddress::Parse(address_text);
  const int port = absl::GetFlag(FLAGS_port);
  if (!address || port < 0 || port > 65535) {
    std::fprintf(stderr, "udp_echo_peer: bad --address or --port\n");
    return 2;
  }
  const int fd = socket(address->family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_storage storage;
  socklen_t length = address->ToSockaddr(static_cast<uint16_t>(port), &storage);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    std::fprintf(stderr, "udp_echo_peer: cannot bind %s:%d: %s\n",
                 address_text.c_str(), port, std::strerror(errno));
    return 1;
  }
  length = sizeof(storage);
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  std::printf("udp_echo_peer: echoing on %s %d (pid %d)\n",
              address_text.c_str(),
              common::SockaddrPort(reinterpret_cast<sockaddr*>(&storage)),
              static_cast<int>(getpid()));
  std::fflush(stdout);
  char buffer[65536];
  for (;;) {
    sockaddr_storage from;
    socklen_t from_length = sizeof(from);
    const ssize_t n =
        recvfrom(fd, buffer, sizeof(buffer), 0,
                 reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return 1;
    }
    sendto(fd, buffer, static_cast<size_t>(n), 0,
           reinterpret_cast<sockaddr*>(&from), from_length);
  }
}
