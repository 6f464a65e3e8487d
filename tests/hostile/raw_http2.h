#ifndef TESTS_HOSTILE_RAW_HTTP2_H_
#define TESTS_HOSTILE_RAW_HTTP2_H_

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tests {

// A compromised renderer below gRPC: it writes HTTP/2 frames of its own
// making on the channel its host gave it (floods, compressed bombs, header
// blocks that never end). A thread reads and drops whatever the service
// answers, so the service never blocks on its writes. Writes give up after
// 10 s (SO_SNDTIMEO): a service that stops reading cannot hang the test.
// Used from one test thread.
class RawHttp2Connection {
 public:
  // Frame types (RFC 9113 section 6).
  static constexpr uint8_t kData = 0, kHeaders = 1, kSettings = 4, kPing = 6,
                           kContinuation = 9;
  // Flags.
  static constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4;

  // Takes ownership of `fd`, the renderer's end of a host-bound channel.
  explicit RawHttp2Connection(int fd);
  RawHttp2Connection(const RawHttp2Connection&) = delete;
  RawHttp2Connection& operator=(const RawHttp2Connection&) = delete;
  ~RawHttp2Connection();

  // The client preface and an empty SETTINGS frame.
  bool Handshake();
  // False once the service closed the connection or a write timed out.
  bool SendFrame(uint8_t type,
                 uint8_t flags,
                 uint32_t stream,
                 absl::string_view payload);
  bool SendBytes(absl::string_view bytes);

  // An HPACK block (literals, never indexed) for an OpenUDPSocket call with
  // `extra` headers after gRPC's own.
  static std::string OpenUDPSocketHeaders(
      const std::vector<std::pair<std::string, std::string>>& extra = {});
  // One HPACK literal header field without indexing, new name.
  static std::string HpackLiteral(absl::string_view name,
                                  absl::string_view value);

  // Whether the service closed the connection (the drain thread saw EOF).
  bool closed_by_service() const { return closed_by_service_.load(); }

  // Sends a PING and waits (bounded) for its ACK, or for the connection to
  // close: either way the service has read and handled every frame before
  // it. True when it answered.
  bool Sync(absl::Duration timeout = absl::Seconds(20));

 private:
  // The drain thread: reads frames, notes PING ACKs and the end.
  void Drain();

  int fd_;
  std::atomic<bool> closed_by_service_{false};
  absl::Mutex mutex_;
  std::set<uint64_t> ping_acks_ ABSL_GUARDED_BY(mutex_);
  bool ended_ ABSL_GUARDED_BY(mutex_) = false;
  uint64_t next_ping_ = 1;
  std::thread drain_;
};

}  // namespace tests

#endif  // TESTS_HOSTILE_RAW_HTTP2_H_
