// gso_sender --port=P --size=S --seconds=T: floods 127.0.0.1:P with S-byte
// datagrams for T seconds as cheaply as Linux allows (sendmmsg of UDP GSO
// super-datagrams, 64 segments each), so that in bench/peers the receiver,
// not the sender, is what is measured. Prints "sent N". With --gso=false
// it sends one packet per datagram (sendmmsg of 64): what a receiver gets
// from a sender that does not segment, with nothing for GRO to merge. Run
// by bench/peers/run, pinned to its own core.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"

ABSL_FLAG(int, port, 0, "The receiver's port on 127.0.0.1.");
ABSL_FLAG(int, size, 64, "Payload bytes per datagram.");
ABSL_FLAG(double, seconds, 3, "How long to send.");
ABSL_FLAG(bool, gso, true,
          "Segmented sends (UDP GSO); false: one packet per datagram.");

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int size = absl::GetFlag(FLAGS_size);
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(absl::GetFlag(FLAGS_port)));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to))) {
    std::perror("gso_sender: socket");
    return 1;
  }
  // As many segments per super-datagram as fit 64 KiB, at most 64.
  int segments = 64;
  while (segments > 1 && segments * size > 65000)
    --segments;
  const bool gso =
      absl::GetFlag(FLAGS_gso) &&
      setsockopt(fd, SOL_UDP, UDP_SEGMENT, &size, sizeof(size)) == 0;
  if (!gso)
    segments = 1;
  std::string payload(static_cast<size_t>(size * segments), 'g');
  const int kBatch = gso ? 8 : 64;
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> messages(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    iov[i] = {payload.data(), payload.size()};
    messages[i] = {};
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  int64_t sent = 0;
  const absl::Time end =
      absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < end) {
    const int n = sendmmsg(fd, messages.data(), kBatch, 0);
    if (n > 0)
      sent += static_cast<int64_t>(n) * segments;
    else if (n < 0 && errno != EAGAIN && errno != ECONNREFUSED &&
             errno != EINTR)
      break;
  }
  std::printf("sent %lld%s\n", static_cast<long long>(sent),
              gso ? "" : " (no GSO)");
  close(fd);
  return 0;
}
