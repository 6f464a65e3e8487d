#include "network_service/datagram_pipe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "common/datagram_frame.h"
#include "common/logging.h"

namespace network_service {

DatagramPipe::DatagramPipe(uv_loop_t* loop, int fd, std::string origin)
    : fd_(fd), origin_(std::move(origin)) {
  // Root may go past the system's cap (wmem_max); otherwise take the cap.
  const int bytes = kSendBufferBytes;
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
  watch_ = std::make_unique<common::FdWatch>(loop, fd_, UV_READABLE,
                                             [this](int status, int) {
                                               if (status < 0) {
                                                 Close();
                                                 return;
                                               }
                                               OnReadable();
                                             });
}

DatagramPipe::~DatagramPipe() {
  if (!watch_->closed()) {
    // Not closed on the loop (NetworkService always closes it there): the
    // handle cannot be touched from here.
    LOG(ERROR) << "a datagram pipe of " << origin_ << " was not closed";
    watch_->Abandon();
  }
}

void DatagramPipe::Register(uint32_t socket_id, CreditSink* sink) {
  sinks_[socket_id] = sink;
}

void DatagramPipe::Unregister(uint32_t socket_id) {
  sinks_.erase(socket_id);
}

bool DatagramPipe::TrySend(absl::string_view frame) {
  if (watch_->closed())
    return false;
  ssize_t sent;
  do {
    sent = send(fd_, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  // A seqpacket message goes whole or not at all.
  return sent == static_cast<ssize_t>(frame.size());
}

void DatagramPipe::OnReadable() {
  // One byte more than a credit message: a longer one shows as longer.
  char message[sizeof(common::DatagramCredit) + 1];
  for (int i = 0; i < kMaxMessagesPerWakeup && !watch_->closed(); ++i) {
    const ssize_t n = recv(fd_, message, sizeof(message), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return;  // Read all there was.
    if (n == 0) {
      Close();  // The renderer has gone.
      return;
    }
    std::optional<common::DatagramCredit> credit =
        common::DatagramCredit::Parse(
            absl::string_view(message, static_cast<size_t>(n)));
    if (!credit) {
      ++broken_messages_;
      LOG(WARNING) << "the renderer of " << origin_
                   << " wrote what is not credit into its datagram pipe; "
                      "the pipe is closed, its sockets go on over gRPC";
      Close();
      return;
    }
    auto it = sinks_.find(credit->socket_id);
    if (it != sinks_.end())
      it->second->AddCredit(credit->count);  // Saturates there.
  }
}

void DatagramPipe::Close() {
  watch_->Close();
  sinks_.clear();
}

}  // namespace network_service
