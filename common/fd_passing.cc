#include "common/fd_passing.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace common {

absl::Status SendFdMessage(int socket,
                           const std::string& text,
                           int fd,
                           int second_fd) {
  if (text.size() > kMaxFdMessageText) {
    return absl::InvalidArgumentError("control message text too long");
  }
  iovec io{const_cast<char*>(text.data()), text.size()};
  const int fds[2] = {fd, second_fd};
  const size_t count = second_fd < 0 ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(fds))] = {};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int) * count);
  std::memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
  if (sendmsg(socket, &message, MSG_NOSIGNAL) < 0) {
    return absl::UnavailableError(
        absl::StrCat("sending a channel: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<FdMessage> ReceiveFdMessage(int socket) {
  std::vector<char> text(kMaxFdMessageText + 1);
  iovec io{text.data(), text.size()};
  // Room for a few descriptors, so extra ones can be closed, not leaked.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)] = {};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  const ssize_t n = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return absl::UnavailableError("nothing to read");
    return absl::InternalError(
        absl::StrCat("reading the control channel: ", std::strerror(errno)));
  }
  std::vector<int> fds;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
      continue;
    const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
      fds.push_back(fd);
    }
  }
  if (n == 0 && fds.empty())
    return absl::NotFoundError("the host closed the control channel");
  const bool bad = fds.empty() || fds.size() > 2 ||
                   static_cast<size_t>(n) > kMaxFdMessageText ||
                   (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
  if (bad) {
    for (int fd : fds)
      close(fd);
    return absl::InvalidArgumentError(
        "a control message must carry one or two descriptors and a short "
        "text");
  }
  return FdMessage{std::string(text.data(), static_cast<size_t>(n)), fds[0],
                   fds.size() > 1 ? fds[1] : -1};
}

}  // namespace common
