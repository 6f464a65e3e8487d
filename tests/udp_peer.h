#ifndef TESTS_UDP_PEER_H_
#define TESTS_UDP_PEER_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace tests {

// A plain UDP socket in the test process: the third party that a renderer's
// socket talks to. Blocking calls with bounds; one thread at a time.
class UDPPeer {
 public:
  struct Datagram {
    std::string data;
    sockaddr_storage from;
    std::string from_address;
    uint16_t from_port = 0;
  };

  // Binds to `address` ("127.0.0.1" or "::1") on an ephemeral port.
  explicit UDPPeer(const std::string& address, int receive_buffer = 0);
  UDPPeer(const UDPPeer&) = delete;
  UDPPeer& operator=(const UDPPeer&) = delete;
  ~UDPPeer();

  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }
  const std::string& address() const { return address_; }

  bool SendTo(const std::string& data,
              const std::string& address,
              uint16_t port);
  bool SendTo(const std::string& data, const sockaddr_storage& to);
  // Waits up to `timeout` for one datagram.
  std::optional<Datagram> Receive(absl::Duration timeout);

 private:
  int fd_ = -1;
  std::string address_;
  uint16_t port_ = 0;
};

}  // namespace tests

#endif  // TESTS_UDP_PEER_H_
