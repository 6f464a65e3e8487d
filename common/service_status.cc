#include "common/service_status.h"

#include <string>

namespace common {
namespace {

absl::StatusCode CodeFromInt(int code) {
  // absl's codes are gRPC's: 0 (OK) to 16 (UNAUTHENTICATED).
  return code >= 0 && code <= 16 ? static_cast<absl::StatusCode>(code)
                                 : absl::StatusCode::kUnknown;
}

}  // namespace

direct_sockets::v1::Status ToWireStatus(const absl::Status& status) {
  direct_sockets::v1::Status wire;
  wire.set_code(static_cast<int32_t>(status.code()));
  wire.set_message(std::string(status.message()));
  return wire;
}

absl::Status FromWireStatus(const direct_sockets::v1::Status& wire) {
  return absl::Status(CodeFromInt(wire.code()), wire.message());
}

grpc::Status ToServiceGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), kServiceStatusDetails);
}

absl::StatusCode FromGrpcCode(grpc::StatusCode code) {
  return CodeFromInt(static_cast<int>(code));
}

}  // namespace common
