#ifndef COMMON_FD_PASSING_H_
#define COMMON_FD_PASSING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace common {

// One message of a host's channel: a short text and one file descriptor,
// sent over a SOCK_SEQPACKET Unix socket with SCM_RIGHTS. To the network
// service: the grant (common/host_contract.h) and the service's end of that
// app's renderer channel; to a renderer: kNewServiceChannelTag and its new
// channel to a restarted service. Blocking-agnostic; any thread.
struct FdMessage {
  std::string text;
  int fd = -1;  // Owned by the receiver; close-on-exec.
};

inline constexpr size_t kMaxFdMessageText = 512;

// Sends `text` with a duplicate of `fd` (the caller keeps its own).
absl::Status SendFdMessage(int socket, const std::string& text, int fd);
// Receives one message. NOT_FOUND when the peer closed the socket (EOF);
// UNAVAILABLE on EAGAIN; INVALID_ARGUMENT for a message without exactly one
// descriptor or with an oversized text (any descriptors are closed).
absl::StatusOr<FdMessage> ReceiveFdMessage(int socket);

}  // namespace common

#endif  // COMMON_FD_PASSING_H_
