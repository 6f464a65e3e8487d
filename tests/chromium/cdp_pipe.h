#ifndef TESTS_CHROMIUM_CDP_PIPE_H_
#define TESTS_CHROMIUM_CDP_PIPE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tests {

// The Chrome DevTools Protocol over Chromium's --remote-debugging-pipe: one
// JSON message per NUL-terminated chunk, commands on the browser's fd 3,
// responses and events on its fd 4. Owns both descriptors. Test thread
// only; every wait is bounded.
class CdpPipe {
 public:
  using EventHandler = std::function<void(const nlohmann::json& event)>;

  // `to_browser` and `from_browser` are this side's ends.
  CdpPipe(int to_browser, int from_browser, EventHandler on_event);
  CdpPipe(const CdpPipe&) = delete;
  CdpPipe& operator=(const CdpPipe&) = delete;
  ~CdpPipe();

  // Sends `method` with `params` (to the target attached as `session`, if
  // not empty) and waits up to `timeout` for its response; events read
  // meanwhile go to the handler, in order. The response's "result", or
  // UNKNOWN with the protocol's error, DEADLINE_EXCEEDED, UNAVAILABLE when
  // the browser closed the pipe.
  absl::StatusOr<nlohmann::json> Call(const std::string& method,
                                      nlohmann::json params,
                                      const std::string& session,
                                      absl::Duration timeout);

  // Reads messages (events go to the handler) until `done()` holds, up to
  // `timeout`: DEADLINE_EXCEEDED, or UNAVAILABLE when the browser closed
  // the pipe.
  absl::Status WaitFor(const std::function<bool()>& done,
                       absl::Duration timeout);

 private:
  // The next whole message in unread_, if any (unparsable ones skipped).
  std::optional<nlohmann::json> NextMessage();
  // Waits up to `deadline` for more bytes from the browser into unread_.
  absl::Status ReadMore(absl::Time deadline, const std::string& what);

  int to_browser_;
  int from_browser_;
  EventHandler on_event_;
  int64_t next_id_ = 1;
  std::string unread_;  // Bytes after the last whole message.
};

}  // namespace tests

#endif  // TESTS_CHROMIUM_CDP_PIPE_H_
