#ifndef NETWORK_SERVICE_SEND_RATE_LIMITER_H_
#define NETWORK_SERVICE_SEND_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>

namespace network_service {

// The multicast send rate of one app, across all its sockets: a token
// bucket of datagrams and one of bytes (the policy's
// max_datagrams_per_second and max_bytes_per_second). It starts empty, so
// no app opens with a burst, and a datagram is charged before it is sent,
// so nothing goes out on credit. The bucket holds at most a tenth of a
// second's worth (at least one datagram of the largest size), so the rate
// holds over any few seconds. Owned by AppRegistry, one per app; loop
// thread only.
class SendRateLimiter {
 public:
  struct Rate {
    uint32_t datagrams_per_second = 0;  // 0: no limit.
    uint64_t bytes_per_second = 0;      // 0: no limit.
  };

  // Empty at `now_ms` (the loop's clock).
  explicit SendRateLimiter(uint64_t now_ms);

  // Takes one datagram of `bytes` under `rate` (the policy in force, which
  // may change between calls) at `now_ms`. Returns 0 when taken; otherwise
  // takes nothing and returns how many milliseconds to wait before the
  // bucket holds it.
  uint64_t TryTake(const Rate& rate, size_t bytes, uint64_t now_ms);

 private:
  void Refill(const Rate& rate, uint64_t now_ms);

  double datagrams_ = 0;
  double bytes_ = 0;
  uint64_t refilled_at_ms_;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SEND_RATE_LIMITER_H_
