#include "common/service_status.h"

#include <gtest/gtest.h>

namespace common {
namespace {

TEST(ServiceStatusTest, RoundTripsThroughTheWire) {
  const absl::Status refused = absl::PermissionDeniedError("no rule");
  EXPECT_EQ(FromWireStatus(ToWireStatus(refused)), refused);
  EXPECT_TRUE(FromWireStatus(ToWireStatus(absl::OkStatus())).ok());
}

TEST(ServiceStatusTest, UnknownCodesReadAsUnknown) {
  direct_sockets::v1::Status wire;
  wire.set_code(99);
  wire.set_message("from the future");
  EXPECT_EQ(FromWireStatus(wire).code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(FromGrpcCode(static_cast<grpc::StatusCode>(-1)),
            absl::StatusCode::kUnknown);
  EXPECT_EQ(FromGrpcCode(grpc::StatusCode::UNAVAILABLE),
            absl::StatusCode::kUnavailable);
}

TEST(ServiceStatusTest, TheServicesEndIsMarkedAsItsOwn) {
  const grpc::Status ended =
      ToServiceGrpcStatus(absl::UnavailableError("binding: in use"));
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(), "binding: in use");
  EXPECT_EQ(ended.error_details(), kServiceStatusDetails);
}

}  // namespace
}  // namespace common
