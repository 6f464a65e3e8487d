#ifndef NETWORK_SERVICE_RENDERER_STREAM_H_
#define NETWORK_SERVICE_RENDERER_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <string>

#include "proto/udp_socket.pb.h"

namespace network_service {

// What a RestrictedUDPSocket needs of its renderer's stream: ask for the
// next request, queue events, end the stream. UDPSocketStream is the gRPC
// one; the request layer's unit test and fuzzer drive a socket through
// fakes. The methods are safe from the loop thread.
class RendererStream {
 public:
  // Outbox sizes at which the socket pauses receiving (and the stream stops
  // reading requests), and at which it resumes (OnOutboxDrained).
  static constexpr size_t kPauseBytes = 512 * 1024;
  static constexpr size_t kResumeBytes = kPauseBytes / 4;

  virtual ~RendererStream() = default;

  // Asks for the next request (after one was handled).
  virtual void ReadNext() = 0;
  // Queues an event for the renderer. Dropped after FinishWhenWritten.
  virtual void Write(direct_sockets::v1::UDPSocketEvent event) = 0;
  // Ends the stream with `status` once queued events are written.
  virtual void FinishWhenWritten(grpc::Status status) = 0;
  // Bytes of events queued and not yet written.
  virtual size_t OutboxBytes() const = 0;
  // The peer's name, for logs.
  virtual std::string peer() const = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_RENDERER_STREAM_H_
