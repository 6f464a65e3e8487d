// raw_receiver --port=P --seconds=T [--gro]: the ceiling every receiver of
// bench/peers is held against. Binds 127.0.0.1:P, says "ready", then from
// the first datagram on reads for T seconds with recvmmsg (32 at a time)
// and prints "count N ms M" as the benchmark's apps do. With --gro the
// socket takes UDP GRO, as the network service's do: the kernel may hand
// over a run of datagrams as one message, counted here by its segments.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"

ABSL_FLAG(int, port, 0, "The port to bind on 127.0.0.1.");
ABSL_FLAG(double, seconds, 2, "How long to count from the first datagram.");
ABSL_FLAG(bool, gro, false, "Take UDP GRO: merged runs count by segment.");

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

namespace {

// Datagrams in one message: its GRO segments, or 1.
int64_t Datagrams(msghdr* header, unsigned length) {
  for (cmsghdr* control = CMSG_FIRSTHDR(header); control != nullptr;
       control = CMSG_NXTHDR(header, control)) {
    if (control->cmsg_level == SOL_UDP && control->cmsg_type == UDP_GRO) {
      int segment = 0;
      std::memcpy(&segment, CMSG_DATA(control), sizeof(segment));
      if (segment > 0 && static_cast<unsigned>(segment) < length)
        return (length + segment - 1) / segment;
    }
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(absl::GetFlag(FLAGS_port)));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address))) {
    std::perror("raw_receiver: bind");
    return 1;
  }
  const bool gro = absl::GetFlag(FLAGS_gro);
  const int on = 1;
  if (gro && setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) != 0) {
    std::perror("raw_receiver: UDP_GRO");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  constexpr int kBatch = 32;
  // A merged message is up to 64 KiB.
  const size_t slot = gro ? 64 * 1024 : 2048;
  constexpr size_t kControl = CMSG_SPACE(sizeof(int));
  std::vector<char> storage(kBatch * slot);
  std::vector<char> controls(kBatch * kControl);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> messages(kBatch);
  auto prepare = [&] {
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {storage.data() + i * slot, slot};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &iov[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      if (gro) {
        messages[i].msg_hdr.msg_control = controls.data() + i * kControl;
        messages[i].msg_hdr.msg_controllen = kControl;
      }
    }
  };
  prepare();
  pollfd readable{fd, POLLIN, 0};
  if (poll(&readable, 1, 30000) <= 0) {
    std::fprintf(stderr, "raw_receiver: nothing arrived\n");
    return 1;
  }
  int64_t count = 0;
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < end) {
    const int n = recvmmsg(fd, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n > 0 && gro) {
      for (int i = 0; i < n; ++i)
        count += Datagrams(&messages[i].msg_hdr, messages[i].msg_len);
      prepare();  // The kernel wrote each msg_controllen.
    } else if (n > 0) {
      count += n;
    } else if (poll(&readable, 1, 50) < 0) {
      break;
    }
  }
  std::printf(
      "count %lld ms %lld\n", static_cast<long long>(count),
      static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - start)));
  close(fd);
  return 0;
}
