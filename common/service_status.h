#ifndef COMMON_SERVICE_STATUS_H_
#define COMMON_SERVICE_STATUS_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/web_error.h"
#include "proto/udp_socket.pb.h"

namespace common {

// Statuses between the network service and a renderer, converted in one
// place: absl codes equal gRPC's and the wire's (proto/udp_socket.proto's
// Status). Pure; any thread.

// The error_details the network service puts on every status it ends a
// socket stream with, so that a renderer tells the service's own refusal
// ("binding ...: address not available") from a failure of the channel
// (gRPC's UNAVAILABLE when the service is gone), which both may carry the
// same code.
inline constexpr char kServiceStatusDetails[] = "dsock:network-service";

// A result or socket error as the wire carries it.
direct_sockets::v1::Status ToWireStatus(const absl::Status& status);
// The wire's status; a code this build does not know reads as UNKNOWN.
absl::Status FromWireStatus(const direct_sockets::v1::Status& wire);
// The status a stream ends with, marked as the service's own.
grpc::Status ToServiceGrpcStatus(const absl::Status& status);
// A stream's end as the service's status, or nullopt when the service did
// not end it (the channel failed, or gRPC refused).
std::optional<absl::Status> FromServiceGrpcStatus(const grpc::Status& status);
// A gRPC status's code as absl's (UNKNOWN for one it does not know).
absl::StatusCode FromGrpcCode(grpc::StatusCode code);

}  // namespace common

#endif  // COMMON_SERVICE_STATUS_H_
