#ifndef NETWORK_SERVICE_LOG_LIMITER_H_
#define NETWORK_SERVICE_LOG_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace network_service {

// Keeps a hostile renderer from flooding a log: per key (an app, or an
// app's refusal by one policy), at most `lines_per_window` lines each
// window; the rest are counted, never lost, and the count is reported with
// the key's next line or by TakeFolded() once its window is over. Loop
// thread only.
class LogLimiter {
 public:
  LogLimiter(size_t lines_per_window, absl::Duration window);

  // Nullopt: drop this line (counted). Otherwise write it, saying that the
  // returned number of lines were folded into it since the key's last one.
  std::optional<uint64_t> Admit(const std::string& key, absl::Time now);

  // Keys whose window is over with lines folded and not yet reported, and
  // how many; they are reported here once.
  std::vector<std::pair<std::string, uint64_t>> TakeFolded(absl::Time now);

 private:
  struct Window {
    absl::Time start;
    size_t lines = 0;
    uint64_t folded = 0;
  };

  size_t lines_per_window_;
  absl::Duration window_;
  std::map<std::string, Window> windows_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_LOG_LIMITER_H_
