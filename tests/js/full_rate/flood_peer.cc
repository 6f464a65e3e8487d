// flood_peer: the far end of full_rate_test.sh, as fast as the kernel goes.
//
//   flood_peer send --port=P --count=N --size=S [--segments=K]
//     sends N numbered datagrams of S bytes to 127.0.0.1:P with sendmmsg,
//     then prints "sent N"; with K > 1, K datagrams a packet (UDP GSO),
//     which a receiver with UDP GRO takes as one message (N a multiple of
//     K: every packet holds K, and the kernel counts a dropped one once).
//   flood_peer receive --port=P --control_port=C --size=S
//     binds 127.0.0.1:P (8 MiB buffer), prints "READY", checks every
//     datagram as it comes; when 127.0.0.1:C gets "drain N" it reads until N
//     have come (10 s at most after that), then prints
//     "received R intact true|false in_order true|false".
//
// A datagram: its number (4 bytes, little-endian), then bytes that follow
// from the number and their offset (PatternByte), so a byte changed, moved
// or cut anywhere shows. The pages of full_rate/ make and check the same.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // linux/udp.h, Linux 4.18.
#endif

ABSL_FLAG(int, port, 0, "The data port on 127.0.0.1.");
ABSL_FLAG(int, control_port, 0, "receive: the port that gets \"drain N\".");
ABSL_FLAG(int, count, 100000, "send: datagrams to send.");
ABSL_FLAG(int, size, 64, "Bytes per datagram (at least 4).");
ABSL_FLAG(int, segments, 1, "send: datagrams per packet (UDP GSO above 1).");

namespace {

uint8_t PatternByte(uint32_t number, size_t offset) {
  return static_cast<uint8_t>(number * 31u + offset * 7u + 1u);
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int BoundSocket(int port, int buffer_bytes) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (buffer_bytes > 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes,
               sizeof(buffer_bytes));
  sockaddr_in address = Loopback(port);
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("flood_peer: bind");
    std::exit(1);
  }
  return fd;
}

int Send() {
  const int count = absl::GetFlag(FLAGS_count);
  const size_t size =
      static_cast<size_t>(std::max(4, absl::GetFlag(FLAGS_size)));
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to = Loopback(absl::GetFlag(FLAGS_port));
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to))) {
    std::perror("flood_peer: connect");
    return 1;
  }
  const int segments = std::max(1, absl::GetFlag(FLAGS_segments));
  if (count % segments != 0) {
    std::fprintf(stderr, "flood_peer: --count is not a multiple of --segments\n");
    return 2;
  }
  if (segments > 1) {
    const int segment_size = static_cast<int>(size);
    if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment_size,
                   sizeof(segment_size)) != 0) {
      std::perror("flood_peer: UDP_SEGMENT");
      return 1;
    }
  }
  constexpr int kBatch = 64;
  // Packet i of a batch: `segments` datagrams in a row.
  std::vector<std::string> payloads(kBatch, std::string(size * segments, '\0'));
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> messages(kBatch);
  int sent = 0;
  while (sent < count) {
    const int batch = std::min(kBatch, (count - sent) / segments);
    for (int i = 0; i < batch; ++i) {
      std::string& payload = payloads[i];
      for (int k = 0; k < segments; ++k) {
        const uint32_t number = static_cast<uint32_t>(sent + i * segments + k);
        char* datagram = payload.data() + k * size;
        std::memcpy(datagram, &number, 4);
        for (size_t offset = 4; offset < size; ++offset)
          datagram[offset] = static_cast<char>(PatternByte(number, offset));
      }
      iov[i] = {payload.data(), payload.size()};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = sendmmsg(fd, messages.data(), batch, 0);
    if (n < 0) {
      if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
        continue;  // Loopback's own back-pressure: send them again.
      std::perror("flood_peer: sendmmsg");
      return 1;
    }
    sent += n * segments;
  }
  std::printf("sent %d\n", sent);
  return 0;
}

int Receive() {
  const int data = BoundSocket(absl::GetFlag(FLAGS_port), 8 << 20);
  const int control = BoundSocket(absl::GetFlag(FLAGS_control_port), 0);
  std::printf("READY\n");
  std::fflush(stdout);
  std::vector<char> buffer(65536);
  int64_t received = 0, expected = -1;
  int64_t last = -1;
  bool intact = true, in_order = true;
  absl::Time deadline = absl::InfiniteFuture();
  while (expected < 0 || received < expected) {
    pollfd fds[2] = {{data, POLLIN, 0}, {control, POLLIN, 0}};
    const int64_t wait_ms =
        expected < 0 ? -1
                     : absl::ToInt64Milliseconds(deadline - absl::Now());
    if (expected >= 0 && wait_ms <= 0)
      break;  // What is missing is not coming.
    if (poll(fds, 2, static_cast<int>(wait_ms)) < 0 && errno != EINTR)
      break;
    if (fds[1].revents & POLLIN) {
      const ssize_t n = recv(control, buffer.data(), buffer.size(), 0);
      std::vector<std::string> words =
          absl::StrSplit(std::string(buffer.data(), n > 0 ? n : 0), ' ');
      if (words.size() == 2 && words[0] == "drain" &&
          absl::SimpleAtoi(words[1], &expected)) {
        deadline = absl::Now() + absl::Seconds(10);
      }
    }
    if (!(fds[0].revents & POLLIN))
      continue;
    for (;;) {
      const ssize_t n =
          recv(data, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0)
        break;
      ++received;
      uint32_t number = 0;
      if (n < 4 || n != absl::GetFlag(FLAGS_size)) {
        intact = false;
        continue;
      }
      std::memcpy(&number, buffer.data(), 4);
      if (static_cast<int64_t>(number) <= last)
        in_order = false;
      last = number;
      for (ssize_t offset = 4; offset < n; ++offset) {
        if (static_cast<uint8_t>(buffer[offset]) !=
            PatternByte(number, static_cast<size_t>(offset))) {
          intact = false;
          break;
        }
      }
    }
  }
  std::printf("received %lld intact %s in_order %s\n",
              static_cast<long long>(received), intact ? "true" : "false",
              in_order ? "true" : "false");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  const std::string mode = rest.size() > 1 ? rest[1] : "";
  if (mode == "send")
    return Send();
  if (mode == "receive")
    return Receive();
  std::fprintf(stderr, "usage: flood_peer send|receive --port=P ...\n");
  return 2;
}
