#ifndef COMMON_SERVICE_STATUS_H_
#define COMMON_SERVICE_STATUS_H_

namespace common {

// The error_details the network service puts on every status it ends a
// socket stream with, so that a renderer tells the service's own refusal
// ("binding ...: address not available") from a failure of the channel
// (gRPC's UNAVAILABLE when the service is gone), which both may carry the
// same code.
inline constexpr char kServiceStatusDetails[] = "dsock:network-service";

}  // namespace common

#endif  // COMMON_SERVICE_STATUS_H_
