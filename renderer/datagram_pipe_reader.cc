#include "renderer/datagram_pipe_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/datagram_frame.h"
#include "common/logging.h"

namespace renderer {

struct DatagramPipeReader::Watch {
  uv_poll_t poll;
  int fd;
  DatagramPipeReader* owner;  // Null once the reader is gone.
};

std::shared_ptr<DatagramPipeReader> DatagramPipeReader::Start(
    common::EventLoop* loop,
    int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  std::shared_ptr<DatagramPipeReader> reader(new DatagramPipeReader(fd));
  reader->watch_ = new Watch{{}, fd, reader.get()};
  uv_poll_init(loop->uv_loop(), &reader->watch_->poll, fd);
  reader->watch_->poll.data = reader->watch_;
  uv_poll_start(&reader->watch_->poll, UV_READABLE,
                [](uv_poll_t* handle, int status, int) {
                  auto* watch = static_cast<Watch*>(handle->data);
                  if (watch->owner == nullptr)
                    return;
                  if (status < 0) {
                    // The service is gone; its streams say so.
                    uv_poll_stop(handle);
                    return;
                  }
                  watch->owner->Drain();
                });
  // Sockets keep the loop alive while they are open, not their pipe.
  uv_unref(reinterpret_cast<uv_handle_t*>(&reader->watch_->poll));
  return reader;
}

DatagramPipeReader::DatagramPipeReader(int fd)
    : fd_(fd), buffer_(common::DatagramFrame::kMaxBytes + 1, '\0') {}

DatagramPipeReader::~DatagramPipeReader() {
  if (watch_ == nullptr) {
    close(fd_);
    return;
  }
  watch_->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&watch_->poll),
           [](uv_handle_t* handle) {
             auto* watch = static_cast<Watch*>(handle->data);
             close(watch->fd);
             delete watch;
           });
}

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

void DatagramPipeReader::Deliver(absl::string_view frame) {
  uint32_t socket_id = 0;
  const absl::Status read = common::DatagramFrame::ForEach(
      frame, &socket_id, [&](absl::string_view data, const sockaddr* from) {
        // Looked up for each datagram: a socket may close while an
        // earlier one is handled.
        auto it = sinks_.find(socket_id);
        if (it != sinks_.end())
          it->second->OnPipeDatagram(data, from);
      });
  if (!read.ok()) {
    ++malformed_frames_;
    LOG(ERROR) << "the network service sent a broken datagram frame: " << read;
  }
}

}  // namespace renderer
