#include "network_service/send_rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "common/socket_limits.h"

namespace network_service {

SendRateLimiter::SendRateLimiter(uint64_t now_ms) : refilled_at_ms_(now_ms) {}

void SendRateLimiter::Refill(const Rate& rate, uint64_t now_ms) {
  const double elapsed_s =
      now_ms > refilled_at_ms_
          ? static_cast<double>(now_ms - refilled_at_ms_) / 1000
          : 0;
  refilled_at_ms_ = std::max(refilled_at_ms_, now_ms);
  if (rate.datagrams_per_second > 0) {
    const double per_s = rate.datagrams_per_second;
    datagrams_ =
        std::min(datagrams_ + elapsed_s * per_s, std::max(per_s / 10, 1.0));
  }
  if (rate.bytes_per_second > 0) {
    const double per_s = static_cast<double>(rate.bytes_per_second);
    bytes_ = std::min(
        bytes_ + elapsed_s * per_s,
        std::max(per_s / 10, static_cast<double>(common::kMaxDatagramSize)));
  }
}

uint64_t SendRateLimiter::TryTake(const Rate& rate,
                                  size_t bytes,
                                  uint64_t now_ms) {
  Refill(rate, now_ms);
  double wait_s = 0;
  if (rate.datagrams_per_second > 0 && datagrams_ < 1) {
    wait_s = std::max(wait_s, (1 - datagrams_) / rate.datagrams_per_second);
  }
  const double size = static_cast<double>(bytes);
  if (rate.bytes_per_second > 0 && bytes_ < size) {
    wait_s = std::max(
        wait_s, (size - bytes_) / static_cast<double>(rate.bytes_per_second));
  }
  if (wait_s > 0)
    return std::max<uint64_t>(1,
                              static_cast<uint64_t>(std::ceil(wait_s * 1000)));
  if (rate.datagrams_per_second > 0)
    datagrams_ -= 1;
  if (rate.bytes_per_second > 0)
    bytes_ -= size;
  return 0;
}

}  // namespace network_service
