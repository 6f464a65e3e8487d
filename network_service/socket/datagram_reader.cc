#include "network_service/socket/datagram_reader.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "network_service/socket/uv_error.h"

#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h, Linux 5.0.
#endif

namespace network_service {

namespace {

// The loop thread's receive buffer: services on several threads (tests)
// each have their own. Every datagram is copied out in its callback, before
// any other socket of the thread reads.
char* ReceiveBuffer() {
  thread_local std::vector<char> buffer(DatagramReader::kBatch *
                                        DatagramReader::kSlotBytes);
  return buffer.data();
}

// The segment size of a GRO message, or 0.
int GroSegmentSize(msghdr* header) {
  for (cmsghdr* control = CMSG_FIRSTHDR(header); control != nullptr;
       control = CMSG_NXTHDR(header, control)) {
    if (control->cmsg_level == SOL_UDP && control->cmsg_type == UDP_GRO &&
        control->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int size = 0;
      std::memcpy(&size, CMSG_DATA(control), sizeof(size));
      return size;
    }
  }
  return 0;
}

}  // namespace

DatagramReader::DatagramReader(int fd,
                               absl::AnyInvocable<absl::Status(bool)> watch)
    : fd_(fd), watch_(std::move(watch)) {
  const int on = 1;
  gro_ = setsockopt(fd_, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

absl::Status DatagramReader::Start(DatagramSocket::Receiver* receiver) {
  stop_after_batch_ = false;
  if (receiver_ == nullptr) {
    if (absl::Status watching = watch_(true); !watching.ok())
      return watching;
  }
  receiver_ = receiver;
  return absl::OkStatus();
}

void DatagramReader::Stop() {
  if (delivering_) {
    // Datagrams read and not delivered yet come first.
    stop_after_batch_ = true;
    return;
  }
  if (receiver_ != nullptr && !detached_)
    watch_(false).IgnoreError();  // Stopping a libuv read does not fail.
  receiver_ = nullptr;
  stop_after_batch_ = false;
}

void DatagramReader::Detach() {
  detached_ = true;
  receiver_ = nullptr;
}

void DatagramReader::ReadAvailable() {
  size_t delivered = 0;
  bool drained = false;
  while (!drained && delivered < kMaxDatagramsPerWakeup) {
    const int read = ReadBatch(&drained);
    if (read < 0)
      return;
    delivered += static_cast<size_t>(read);
  }
}

int DatagramReader::ReadBatch(bool* drained) {
  if (receiver_ == nullptr)
    return -1;
  // At least one: a receiver that reads is one that takes (it stops at no
  // budget), and an unread socket would wake the loop again at once.
  const size_t count = std::clamp<size_t>(
      receiver_->ReceiveBudget() / segments_seen_, 1, kBatch);
  char* buffer = ReceiveBuffer();
  mmsghdr messages[kBatch];
  iovec slots[kBatch];
  sockaddr_storage senders[kBatch];
  alignas(cmsghdr) char controls[kBatch][CMSG_SPACE(sizeof(int))];
  for (size_t i = 0; i < count; ++i) {
    slots[i] = {buffer + i * kSlotBytes, kSlotBytes};
    messages[i] = {};
    msghdr& header = messages[i].msg_hdr;
    header.msg_iov = &slots[i];
    header.msg_iovlen = 1;
    header.msg_name = &senders[i];
    header.msg_namelen = sizeof(senders[i]);
    if (gro_) {
      header.msg_control = controls[i];
      header.msg_controllen = sizeof(controls[i]);
    }
  }
  int received;
  do {
    received = recvmmsg(fd_, messages, static_cast<unsigned>(count),
                        MSG_DONTWAIT, nullptr);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      *drained = true;
      return 0;
    }
    // The kernel's error for this socket (an ICMP refusal to a connected
    // one, say): the read took it, so the receiver hears of it.
    Fail(uv_translate_sys_error(errno));
    return -1;
  }
  delivering_ = true;
  int delivered = 0;
  size_t most_segments = 1;
  for (int i = 0; i < received && receiver_ != nullptr; ++i) {
    const char* data = buffer + static_cast<size_t>(i) * kSlotBytes;
    const size_t length = messages[i].msg_len;
    const auto* from = reinterpret_cast<const sockaddr*>(&senders[i]);
    const int gro_size = gro_ ? GroSegmentSize(&messages[i].msg_hdr) : 0;
    const size_t segment =
        gro_size > 0 && static_cast<size_t>(gro_size) < length
            ? static_cast<size_t>(gro_size)
            : length;
    // An empty datagram is one datagram too.
    const size_t segments = segment == 0 ? 1 : (length + segment - 1) / segment;
    most_segments = std::max(most_segments, segments);
    if (segments > 1)
      ++coalesced_messages_;
    for (size_t k = 0; k < segments && receiver_ != nullptr; ++k) {
      const size_t offset = k * segment;
      receiver_->OnDatagram(
          absl::string_view(data + offset, std::min(segment, length - offset)),
          from);
      ++delivered;
    }
  }
  delivering_ = false;
  segments_seen_ = most_segments;
  if (stop_after_batch_) {
    Stop();
    return -1;
  }
  if (receiver_ == nullptr)
    return -1;
  *drained = static_cast<size_t>(received) < count;
  return delivered;
}

void DatagramReader::Fail(int uv_error) {
  DatagramSocket::Receiver* receiver = receiver_;
  Stop();
  if (receiver != nullptr)
    receiver->OnReceiveError(OsError("receiving", uv_error));
}

}  // namespace network_service
