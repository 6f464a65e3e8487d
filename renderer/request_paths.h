#ifndef RENDERER_REQUEST_PATHS_H_
#define RENDERER_REQUEST_PATHS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

namespace renderer {

// One kind of a socket's requests (its send batches, or its joins and
// leaves), each sent on the datagram pipe when it takes it, or else on the
// socket's gRPC stream, never on both at once: a request waits while one
// sent the other way has no result yet. The service reads the two apart,
// so only this keeps them in order; results of one kind come in request
// order. Owned by a UDPSocket; loop thread only.
template <typename Request>
class RequestPaths {
 public:
  struct Ways {
    // Sends on the pipe; false when it cannot go there now (no pipe, too
    // large, or the pipe is full).
    std::function<bool(uint64_t id, const Request& request)> pipe;
    // Sends on the stream, which always takes it.
    std::function<void(uint64_t id, Request request)> stream;
    // Whether anything may be sent at all (the stream is still open).
    std::function<bool()> open;
  };

  explicit RequestPaths(Ways ways) : ways_(std::move(ways)) {}

  void Send(uint64_t id, Request request) {
    waiting_.emplace_back(id, std::move(request));
    SendWaiting();
  }
  // Request `id` has its result (whichever way it came): the next may go.
  void OnResult(uint64_t id) {
    if (!sent_.empty() && sent_.front().first == id)
      sent_.pop_front();
    SendWaiting();
  }

  size_t waiting() const { return waiting_.size(); }

 private:
  void SendWaiting() {
    while (!waiting_.empty() && ways_.open()) {
      auto& [id, request] = waiting_.front();
      const bool stream_busy = !sent_.empty() && !sent_.back().second;
      const bool pipe_busy = !sent_.empty() && sent_.back().second;
      if (!stream_busy && ways_.pipe(id, request)) {
        sent_.emplace_back(id, /*on_pipe=*/true);
      } else if (pipe_busy) {
        return;  // Again when the pipe's requests have their results.
      } else {
        sent_.emplace_back(id, /*on_pipe=*/false);
        ways_.stream(id, std::move(request));
      }
      waiting_.pop_front();
    }
  }

  Ways ways_;
  std::deque<std::pair<uint64_t, Request>> waiting_;
  std::deque<std::pair<uint64_t, bool>> sent_;  // Id, on the pipe.
};

}  // namespace renderer

#endif  // RENDERER_REQUEST_PATHS_H_
