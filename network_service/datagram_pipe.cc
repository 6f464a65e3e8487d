#include "network_service/datagram_pipe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace network_service {

DatagramPipe::DatagramPipe(int fd) : fd_(fd) {
  shutdown(fd_, SHUT_RD);
  // Root may go past the system's cap (wmem_max); otherwise take the cap.
  const int bytes = kSendBufferBytes;
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

DatagramPipe::~DatagramPipe() {
  Close();
}

bool DatagramPipe::TrySend(absl::string_view frame) {
  if (fd_ < 0)
    return false;
  ssize_t sent;
  do {
    sent = send(fd_, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  // A seqpacket message goes whole or not at all.
  return sent == static_cast<ssize_t>(frame.size());
}

void DatagramPipe::Close() {
  if (fd_ >= 0)
    close(fd_);
  fd_ = -1;
}

}  // namespace network_service
