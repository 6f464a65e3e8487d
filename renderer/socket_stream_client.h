#ifndef RENDERER_SOCKET_STREAM_CLIENT_H_
#define RENDERER_SOCKET_STREAM_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "common/event_loop.h"
#include "proto/udp_socket.grpc.pb.h"

namespace renderer {

// The renderer's end of one OpenUDPSocket stream (one socket). gRPC's
// threads run the reactions and only post to the renderer's loop; the
// handlers given to Start() therefore run on the loop thread, events in
// order, `on_done` last and once. Write()/WritesDone()/Cancel() are safe
// from any thread. Shared by its UDPSocket and by itself until gRPC is done.
class SocketStreamClient
    : public grpc::ClientBidiReactor<direct_sockets::v1::UDPSocketRequest,
                                     direct_sockets::v1::UDPSocketEvent>,
      public std::enable_shared_from_this<SocketStreamClient> {
 public:
  using EventHandler =
      absl::AnyInvocable<void(direct_sockets::v1::UDPSocketEvent)>;
  using DoneHandler = absl::AnyInvocable<void(grpc::Status) &&>;

  // `on_finished` runs on a gRPC thread as the very last thing the stream
  // does (after posting `on_done`): its owner may then let the loop go.
  static std::shared_ptr<SocketStreamClient> Start(
      direct_sockets::v1::NetworkService::Stub* stub,
      common::EventLoop* loop,
      EventHandler on_event,
      DoneHandler on_done,
      absl::AnyInvocable<void() &&> on_finished);

  SocketStreamClient(const SocketStreamClient&) = delete;
  SocketStreamClient& operator=(const SocketStreamClient&) = delete;
  ~SocketStreamClient() override;

  // Queues a request; dropped once the stream is finishing.
  void Write(direct_sockets::v1::UDPSocketRequest request);
  // Half-closes after the queued requests: the service closes the socket.
  void WritesDone();
  // Abandons the stream (the service sees a cancelled call).
  void Cancel();
  // Loop thread (or once the loop is gone): no write will start from the
  // loop any more, so gRPC may finish the call. Runs by itself once the
  // stream ends; an owner that blocks the loop waiting for the call to
  // finish calls it first. Idempotent.
  void StopWriting();

  // grpc::ClientBidiReactor:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnWritesDoneDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  SocketStreamClient(common::EventLoop* loop,
                     EventHandler on_event,
                     DoneHandler on_done,
                     absl::AnyInvocable<void() &&> on_finished);
  void Pump();

  common::EventLoop* const loop_;
  // Both handlers are only touched on the loop thread.
  std::shared_ptr<EventHandler> on_event_;
  DoneHandler on_done_;
  absl::AnyInvocable<void() &&> on_finished_;
  grpc::ClientContext context_;
  direct_sockets::v1::UDPSocketEvent event_;  // gRPC reads into it.

  absl::Mutex mutex_;
  std::deque<direct_sockets::v1::UDPSocketRequest> outbox_
      ABSL_GUARDED_BY(mutex_);
  direct_sockets::v1::UDPSocketRequest writing_ ABSL_GUARDED_BY(mutex_);
  bool write_in_flight_ ABSL_GUARDED_BY(mutex_) = false;
  bool writes_done_wanted_ ABSL_GUARDED_BY(mutex_) = false;
  bool writes_done_started_ ABSL_GUARDED_BY(mutex_) = false;
  bool broken_ ABSL_GUARDED_BY(mutex_) = false;
  // The hold taken at Start() (see there) was removed.
  bool hold_released_ ABSL_GUARDED_BY(mutex_) = false;
  std::shared_ptr<SocketStreamClient> self_;  // Until OnDone.
};

}  // namespace renderer

#endif  // RENDERER_SOCKET_STREAM_CLIENT_H_
