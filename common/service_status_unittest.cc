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
  std::optional<absl::Status> read = FromServiceGrpcStatus(ended);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(WebErrorOf(*read), "");
  // A channel's failure is not the service's answer.
  EXPECT_FALSE(FromServiceGrpcStatus(
                   grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"))
                   .has_value());
}

TEST(ServiceStatusTest, AWebErrorTravelsOnTheWireAndInAStreamsEnd) {
  const absl::Status refused = WithWebError(
      absl::PermissionDeniedError("does not grant loopback-network"),
      "InvalidAccessError");
  const absl::Status from_wire = FromWireStatus(ToWireStatus(refused));
  EXPECT_EQ(from_wire.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(WebErrorOf(from_wire), "InvalidAccessError");
  std::optional<absl::Status> from_end =
      FromServiceGrpcStatus(ToServiceGrpcStatus(refused));
  ASSERT_TRUE(from_end.has_value());
  EXPECT_EQ(from_end->message(), "does not grant loopback-network");
  EXPECT_EQ(WebErrorOf(*from_end), "InvalidAccessError");
  // Nothing attaches to OK.
  EXPECT_TRUE(WithWebError(absl::OkStatus(), "InvalidAccessError").ok());
  EXPECT_EQ(WebErrorOf(WithWebError(absl::OkStatus(), "X")), "");
}

}  // namespace
}  // namespace common
