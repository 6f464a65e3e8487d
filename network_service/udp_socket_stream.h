#ifndef NETWORK_SERVICE_UDP_SOCKET_STREAM_H_
#define NETWORK_SERVICE_UDP_SOCKET_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "network_service/renderer_stream.h"
#include "proto/udp_socket.grpc.pb.h"

namespace network_service {

// The service's end of one OpenUDPSocket stream: the pipe of one socket.
// gRPC's threads run the reactions; the loop that owns the socket talks to
// it only through the thread-safe methods below. Keeps itself alive until
// gRPC is done with it (OnDone), and is shared with the socket's host.
//
// Flow control, both ways:
//  - A request is read only after the loop has handled the one before
//    (ReadNext), and only while the outbox is below kPauseBytes, so a
//    flooding renderer, or one that never reads its answers, fills its own
//    gRPC window, not the service's memory.
//  - Events wait in an outbox while gRPC writes; its size is bounded by the
//    renderer's receive credit and by the host pausing when OutboxBytes()
//    is high. The `on_drained` callback tells the host to resume.
class UDPSocketStream
    : public grpc::ServerBidiReactor<direct_sockets::v1::UDPSocketRequest,
                                     direct_sockets::v1::UDPSocketEvent>,
      public RendererStream,
      public std::enable_shared_from_this<UDPSocketStream> {
 public:
  using RequestHandler =
      absl::AnyInvocable<void(direct_sockets::v1::UDPSocketRequest)>;
  // Called once when the renderer ends or abandons the stream.
  using EndHandler = absl::AnyInvocable<void()>;

  UDPSocketStream();
  UDPSocketStream(const UDPSocketStream&) = delete;
  UDPSocketStream& operator=(const UDPSocketStream&) = delete;
  ~UDPSocketStream() override;

  // Starts reading. Handlers run on gRPC threads and must only post work.
  // `on_drained` runs when the outbox falls below kResumeBytes after having
  // been above kPauseBytes.
  void Start(std::string peer,
             RequestHandler on_request,
             EndHandler on_end,
             absl::AnyInvocable<void()> on_drained);

  // RendererStream (any thread):
  void ReadNext() override;
  // Dropped after Finish.
  void Write(direct_sockets::v1::UDPSocketEvent event) override;
  // Later calls are ignored.
  void FinishWhenWritten(grpc::Status status) override;
  size_t OutboxBytes() const override;
  // gRPC's name of the peer ("unix:...", "fd:N").
  std::string peer() const override;

  // grpc::ServerBidiReactor:
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override;
  void OnCancel() override;

 private:
  // Starts the next write or the finish; call without mutex_ held.
  void Pump();

  mutable absl::Mutex mutex_;
  direct_sockets::v1::UDPSocketRequest request_;  // gRPC reads into it.
  RequestHandler on_request_;
  EndHandler on_end_;
  absl::AnyInvocable<void()> on_drained_ ABSL_GUARDED_BY(mutex_);
  std::deque<direct_sockets::v1::UDPSocketEvent> outbox_
      ABSL_GUARDED_BY(mutex_);
  size_t outbox_bytes_ ABSL_GUARDED_BY(mutex_) = 0;
  bool paused_above_limit_ ABSL_GUARDED_BY(mutex_) = false;
  // ReadNext() found the outbox full; the next read waits for it to drain.
  bool read_deferred_ ABSL_GUARDED_BY(mutex_) = false;
  direct_sockets::v1::UDPSocketEvent writing_ ABSL_GUARDED_BY(mutex_);
  bool write_in_flight_ ABSL_GUARDED_BY(mutex_) = false;
  bool broken_ ABSL_GUARDED_BY(mutex_) = false;  // A write failed.
  std::optional<grpc::Status> finish_status_ ABSL_GUARDED_BY(mutex_);
  bool finish_started_ ABSL_GUARDED_BY(mutex_) = false;
  bool ended_ ABSL_GUARDED_BY(mutex_) = false;  // on_end_ ran.
  std::string peer_;
  // Holds this object until OnDone.
  std::shared_ptr<UDPSocketStream> self_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_UDP_SOCKET_STREAM_H_
