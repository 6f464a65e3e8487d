#include "common/service_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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
  wire.set_web_error(WebErrorOf(status));
  return wire;
}

absl::Status FromWireStatus(const direct_sockets::v1::Status& wire) {
  return WithWebError(absl::Status(CodeFromInt(wire.code()), wire.message()),
                      wire.web_error());
}

grpc::Status ToServiceGrpcStatus(const absl::Status& status) {
  // The web error, if any, follows the mark: "dsock:network-service/NAME".
  const std::string web_error = WebErrorOf(status);
  return grpc::Status(
      static_cast<grpc::StatusCode>(status.code()),
      std::string(status.message()),
      web_error.empty() ? kServiceStatusDetails
                        : absl::StrCat(kServiceStatusDetails, "/", web_error));
}

std::optional<absl::Status> FromServiceGrpcStatus(const grpc::Status& status) {
  const std::string& details = status.error_details();
  if (!absl::StartsWith(details, kServiceStatusDetails))
    return std::nullopt;
  absl::string_view rest =
      absl::string_view(details).substr(sizeof(kServiceStatusDetails) - 1);
  if (!rest.empty() && rest[0] != '/')
    return std::nullopt;
  return WithWebError(
      absl::Status(CodeFromInt(static_cast<int>(status.error_code())),
                   status.error_message()),
      absl::StripPrefix(rest, "/"));
}

absl::StatusCode FromGrpcCode(grpc::StatusCode code) {
  return CodeFromInt(static_cast<int>(code));
}

}  // namespace common
