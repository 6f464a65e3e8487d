#include "renderer/datagram_pipe_reader.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/datagram_frame.h"
#include "common/logging.h"

namespace renderer {

std::shared_ptr<DatagramPipeReader> DatagramPipeReader::Start(
    common::EventLoop* loop,
    int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  // The system's cap applies (wmem_max); a frame larger than the buffer
  // goes on the stream.
  const int bytes = kSendBufferBytes;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
  std::shared_ptr<DatagramPipeReader> reader(new DatagramPipeReader(fd));
  DatagramPipeReader* raw = reader.get();
  reader->watch_ = std::make_unique<common::FdWatch>(
      loop->uv_loop(), fd, UV_READABLE, [raw](int status, int) {
        if (status < 0) {
          // The service is gone; its streams say so.
          raw->watch_->Stop();
          return;
        }
        raw->Drain();
      });
  return reader;
}

DatagramPipeReader::DatagramPipeReader(int fd)
    : fd_(fd), buffer_(common::DatagramFrame::kMaxBytes + 1, '\0') {}

DatagramPipeReader::~DatagramPipeReader() = default;

void DatagramPipeReader::Register(uint32_t socket_id, Sink* sink) {
  sinks_[socket_id] = sink;
}

void DatagramPipeReader::Unregister(uint32_t socket_id) {
  sinks_.erase(socket_id);
}

void DatagramPipeReader::Drain() {
  // A sink may drop the last other owner while it handles a datagram.
  const std::shared_ptr<DatagramPipeReader> keep = shared_from_this();
  for (;;) {
    const ssize_t n = recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;  // Nothing more now, or the service has gone (EOF).
    Deliver(absl::string_view(buffer_.data(), static_cast<size_t>(n)));
  }
}

bool DatagramPipeReader::SendCredit(uint32_t socket_id, uint32_t count) {
  common::DatagramCredit credit;
  credit.socket_id = socket_id;
  credit.count = count;
  return Send(&credit, sizeof(credit));
}

bool DatagramPipeReader::SendMessage(absl::string_view message) {
  return Send(message.data(), message.size());
}

bool DatagramPipeReader::Send(const void* message, size_t size) {
  ssize_t sent;
  do {
    sent = send(fd_, message, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(size);
}

void DatagramPipeReader::Deliver(absl::string_view message) {
  if (std::optional<common::DatagramResult> result =
          common::DatagramResult::Parse(message)) {
    auto it = sinks_.find(result->socket_id);
    if (it != sinks_.end())
      it->second->OnPipeResult(result->request_id, result->status);
    return;
  }
  uint32_t socket_id = 0;
  const absl::Status read = common::DatagramFrame::ForEach(
      message, &socket_id, [&](absl::string_view data, const sockaddr* from) {
        // Looked up for each datagram: a socket may close while an
        // earlier one is handled.
        auto it = sinks_.find(socket_id);
        if (it != sinks_.end())
          it->second->OnPipeDatagram(data, from);
      });
  if (!read.ok()) {
    ++malformed_frames_;
    LOG(ERROR) << "the network service sent a broken pipe message: " << read;
  }
}

}  // namespace renderer
