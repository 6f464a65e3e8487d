#ifndef NETWORK_SERVICE_HTTP2_GUARD_H_
#define NETWORK_SERVICE_HTTP2_GUARD_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace network_service {

// Stands between one renderer's channel and gRPC, reading the HTTP/2 frame
// headers that go by, because gRPC 1.51 (Debian 12's) does not bound what a
// peer may make it hold: header blocks that never end (CONTINUATION floods,
// CVE-2023-33953, fixed in gRPC 1.53.2/1.54.3/1.55.2/1.56.2), streams beyond
// MAX_CONCURRENT_STREAMS (enforced only once the peer acknowledges the
// setting, which a hostile peer never does), PING and SETTINGS floods. A
// renderer that goes past a limit has its channel closed: its sockets end,
// every other renderer goes on.
//
// Payloads are forwarded untouched, in both directions, by two threads of
// its own with blocking I/O (back-pressure is the socket buffers'). It
// holds no state of the service; the only shared state is the set of open
// streams, guarded by a mutex. Owned by main() (one per renderer channel);
// the destructor closes both sides and joins the threads.
class Http2Guard {
 public:
  struct Limits {
    // Streams open at once (opened by the renderer's HEADERS, closed by the
    // service's END_STREAM or a RST_STREAM either way): above the app's
    // socket and stream caps, so only a flood meets it.
    size_t max_open_streams = 128;
    // One header block (HEADERS and its CONTINUATIONs); a gRPC request's
    // headers take a few hundred bytes.
    size_t max_header_block_bytes = 16 * 1024;
    // PING and SETTINGS frames (not acknowledgements) over the channel's
    // life; a gRPC client sends a handful.
    size_t max_pings = 1000;
    size_t max_settings = 1000;
  };

  // Called once, on a guard thread, when the renderer broke a limit (its
  // channel is then closed). Must be thread-safe.
  using ViolationHandler = std::function<void(const std::string& why)>;

  // Takes `renderer_fd`; returns the guard and, through `grpc_fd`, the end
  // to give gRPC (owned by gRPC from then on).
  static absl::StatusOr<std::unique_ptr<Http2Guard>> Start(
      int renderer_fd,
      const Limits& limits,
      ViolationHandler on_violation,
      int* grpc_fd);
  Http2Guard(const Http2Guard&) = delete;
  Http2Guard& operator=(const Http2Guard&) = delete;
  ~Http2Guard();

  // Whether both directions have ended (the channel is gone).
  bool finished() const;

 private:
  Http2Guard(int renderer_fd,
             int service_fd,
             const Limits& limits,
             ViolationHandler on_violation);

  // Reads frame headers from one direction of a byte stream.
  class FrameReader;

  void ForwardFromRenderer();
  void ForwardFromService();
  // Closes both sides once, for a violation (`why` non-empty) or an end.
  void Shut(const std::string& why);
  // A direction's thread is done; the second one closes the descriptors.
  void DirectionDone();

  const int renderer_fd_;
  const int service_fd_;  // The guard's end of the pair gRPC has the other.
  const Limits limits_;
  ViolationHandler on_violation_;

  mutable absl::Mutex mutex_;
  std::set<uint32_t> open_streams_ ABSL_GUARDED_BY(mutex_);
  bool shut_ ABSL_GUARDED_BY(mutex_) = false;
  int directions_done_ ABSL_GUARDED_BY(mutex_) = 0;
  bool fds_closed_ ABSL_GUARDED_BY(mutex_) = false;

  std::thread from_renderer_;
  std::thread from_service_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_HTTP2_GUARD_H_
