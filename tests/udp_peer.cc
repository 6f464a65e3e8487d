#include "tests/udp_peer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "common/ip_address.h"

namespace tests {

UDPPeer::UDPPeer(const std::string& address, int receive_buffer)
    : address_(address) {
  std::optional<common::IpAddress> ip = common::IpAddress::Parse(address);
  if (!ip)
    return;
  fd_ = socket(ip->family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    return;
  if (receive_buffer > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
               sizeof(receive_buffer));
  }
  sockaddr_storage storage;
  socklen_t length = ip->ToSockaddr(0, &storage);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  length = sizeof(storage);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length);
  port_ = common::SockaddrPort(reinterpret_cast<sockaddr*>(&storage));
}

UDPPeer::~UDPPeer() {
  if (fd_ >= 0)
    close(fd_);
}

bool UDPPeer::SendTo(const std::string& data,
                     const std::string& address,
                     uint16_t port) {
  std::optional<common::IpAddress> ip = common::IpAddress::Parse(address);
  if (!ip)
    return false;
  sockaddr_storage to;
  ip->ToSockaddr(port, &to);
  return SendTo(data, to);
}

bool UDPPeer::SendTo(const std::string& data, const sockaddr_storage& to) {
  const socklen_t length =
      to.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  return sendto(fd_, data.data(), data.size(), 0,
                reinterpret_cast<const sockaddr*>(&to),
                length) == static_cast<ssize_t>(data.size());
}

std::optional<UDPPeer::Datagram> UDPPeer::Receive(absl::Duration timeout) {
  pollfd pfd{fd_, POLLIN, 0};
  int ready;
  do {
    ready = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0)
    return std::nullopt;
  Datagram datagram;
  char buffer[65536];
  socklen_t length = sizeof(datagram.from);
  ssize_t n = recvfrom(fd_, buffer, sizeof(buffer), 0,
                       reinterpret_cast<sockaddr*>(&datagram.from), &length);
  if (n < 0)
    return std::nullopt;
  datagram.data.assign(buffer, static_cast<size_t>(n));
  const auto* from = reinterpret_cast<const sockaddr*>(&datagram.from);
  datagram.from_address = common::IpAddress::FromSockaddr(from).ToString();
  datagram.from_port = common::SockaddrPort(from);
  return datagram;
}

}  // namespace tests
