#include "network_service/control_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "common/fd_passing.h"
#include "common/logging.h"
#include "network_service/app_registry.h"

namespace network_service {

ControlChannel::ControlChannel(uv_loop_t* loop,
                               int fd,
                               ChannelHandler on_channel,
                               absl::AnyInvocable<void()> on_host_gone)
    : fd_(fd),
      on_channel_(std::move(on_channel)),
      on_host_gone_(std::move(on_host_gone)) {
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  fcntl(fd_, F_SETFD, FD_CLOEXEC);
  uv_poll_init(loop, &poll_, fd_);
  poll_.data = this;
  uv_poll_start(&poll_, UV_READABLE | UV_DISCONNECT,
                &ControlChannel::OnReadable);
}

ControlChannel::~ControlChannel() = default;

void ControlChannel::Close() {
  if (closed_)
    return;
  closed_ = true;
  uv_poll_stop(&poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), [](uv_handle_t* handle) {
    close(static_cast<ControlChannel*>(handle->data)->fd_);
  });
}

void ControlChannel::OnReadable(uv_poll_t* handle, int, int) {
  static_cast<ControlChannel*>(handle->data)->ReadAll();
}

void ControlChannel::ReadAll() {
  while (!closed_) {
    absl::StatusOr<common::FdMessage> message = common::ReceiveFdMessage(fd_);
    if (message.ok()) {
      absl::StatusOr<common::AppGrant> grant =
          common::DecodeGrant(message->text);
      if (!grant.ok()) {
        LOG(WARNING) << "refused a channel: " << grant.status();
        close(message->fd);
        if (message->second_fd >= 0)
          close(message->second_fd);
        continue;
      }
      // gRPC needs a non-blocking descriptor (notes: grpc-fd-channels); the
      // pipe is written without blocking the loop.
      for (int fd : {message->fd, message->second_fd}) {
        if (fd >= 0)
          fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      }
      on_channel_(message->fd, message->second_fd, *std::move(grant));
      continue;
    }
    switch (message.status().code()) {
      case absl::StatusCode::kUnavailable:
        return;  // Drained.
      case absl::StatusCode::kInvalidArgument:
        LOG(WARNING) << "bad control message: " << message.status();
        continue;
      default: {
        // EOF or a broken socket: the host is gone.
        Close();
        auto gone = std::move(on_host_gone_);
        if (gone)
          gone();
        return;
      }
    }
  }
}

}  // namespace network_service
