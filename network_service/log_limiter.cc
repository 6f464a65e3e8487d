#include "network_service/log_limiter.h"

namespace network_service {

LogLimiter::LogLimiter(size_t lines_per_window, absl::Duration window)
    : lines_per_window_(lines_per_window), window_(window) {}

std::optional<uint64_t> LogLimiter::Admit(const std::string& key,
                                          absl::Time now) {
  auto [it, inserted] = windows_.try_emplace(key);
  Window& window = it->second;
  if (inserted || now - window.start >= window_) {
    window.start = now;
    window.lines = 0;
  }
  if (window.lines >= lines_per_window_) {
    ++window.folded;
    return std::nullopt;
  }
  ++window.lines;
  const uint64_t folded = window.folded;
  window.folded = 0;
  return folded;
}

std::vector<std::pair<std::string, uint64_t>> LogLimiter::TakeFolded(
    absl::Time now) {
  std::vector<std::pair<std::string, uint64_t>> folded;
  for (auto it = windows_.begin(); it != windows_.end();) {
    Window& window = it->second;
    if (now - window.start < window_) {
      ++it;
      continue;
    }
    if (window.folded > 0)
      folded.emplace_back(it->first, window.folded);
    // A quiet key is forgotten: the map holds only keys active lately.
    it = windows_.erase(it);
  }
  return folded;
}

}  // namespace network_service
