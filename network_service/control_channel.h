#ifndef NETWORK_SERVICE_CONTROL_CHANNEL_H_
#define NETWORK_SERVICE_CONTROL_CHANNEL_H_

#include <uv.h>

#include <string>

#include "absl/functional/any_invocable.h"
#include "common/host_contract.h"

namespace network_service {

// The service's end of the host's control channel: an inherited
// SOCK_SEQPACKET socket on which only the host (its parent) can write. Each
// message hands over one renderer channel, its datagram pipe, and the app
// origin it speaks for (common/fd_passing.h). When the host closes it (or
// dies), the service shuts down rather than live on as an orphan. Owned by
// main(); loop thread.
class ControlChannel {
 public:
  // `grant` is the app the channel speaks for and the features its
  // manifest grants (common/host_contract.h), checked. `datagram_pipe` is
  // the service's end of the renderer's pipe (common/datagram_frame.h), or
  // -1 from a host that sent none.
  using ChannelHandler = absl::AnyInvocable<
      void(int fd, int datagram_pipe, common::AppGrant grant)>;

  // `fd` is the inherited control socket. `on_channel` runs for each valid
  // channel (the fds are non-blocking and close-on-exec, owned by the
  // handler); `on_host_gone` runs once at EOF.
  ControlChannel(uv_loop_t* loop,
                 int fd,
                 ChannelHandler on_channel,
                 absl::AnyInvocable<void()> on_host_gone);
  ControlChannel(const ControlChannel&) = delete;
  ControlChannel& operator=(const ControlChannel&) = delete;
  ~ControlChannel();

  // Stops watching; the handle closes on the loop.
  void Close();

 private:
  static void OnReadable(uv_poll_t* handle, int status, int events);
  void ReadAll();

  uv_poll_t poll_;
  int fd_;
  bool closed_ = false;
  ChannelHandler on_channel_;
  absl::AnyInvocable<void()> on_host_gone_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_CONTROL_CHANNEL_H_
