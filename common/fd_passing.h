#ifndef COMMON_FD_PASSING_H_
#define COMMON_FD_PASSING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace common {

// One message of a host's channel: a short text and one or two file
// descriptors, sent over a SOCK_SEQPACKET Unix socket with SCM_RIGHTS. To
// the network service: the grant (common/host_contract.h), the service's end
// of that app's renderer channel and of its datagram pipe
// (common/datagram_frame.h); to a renderer: kNewServiceChannelTag and its
// new channel and pipe to a restarted service. Blocking-agnostic; any thread.
struct FdMessage {
  std::string text;
  int fd = -1;         // Owned by the receiver; close-on-exec.
  int second_fd = -1;  // The same, when the message carried two; else -1.
};

inline constexpr size_t kMaxFdMessageText = 512;

// Sends `text` with duplicates of `fd` and, unless -1, `second_fd` (the
// caller keeps its own).
absl::Status SendFdMessage(int socket,
                           const std::string& text,
                           int fd,
                           int second_fd = -1);
// Receives one message. NOT_FOUND when the peer closed the socket (EOF);
// UNAVAILABLE on EAGAIN; INVALID_ARGUMENT for a message without one or two
// descriptors or with an oversized text (any descriptors are closed).
absl::StatusOr<FdMessage> ReceiveFdMessage(int socket);

}  // namespace common

#endif  // COMMON_FD_PASSING_H_
