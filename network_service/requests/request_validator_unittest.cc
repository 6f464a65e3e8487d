#include "network_service/requests/request_validator.h"

#include <gtest/gtest.h>

#include "common/web_error.h"

namespace network_service {
namespace {

namespace v1 = ::direct_sockets::v1;

v1::OpenUDPSocket Connected(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_connected()->set_remote_address(address);
  open.mutable_connected()->set_remote_port(port);
  return open;
}

v1::OpenUDPSocket Bound(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_bound()->set_local_address(address);
  open.mutable_bound()->set_local_port(port);
  return open;
}

void ExpectError(const absl::Status& status,
                 absl::StatusCode code,
                 absl::string_view words) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_NE(status.message().find(words), absl::string_view::npos)
      << "message \"" << status.message() << "\" lacks \"" << words << "\"";
}

TEST(ValidateOpenTest, AcceptsGoodRequests) {
  EXPECT_TRUE(ValidateOpen(Connected("127.0.0.1", 53)).ok());
  EXPECT_TRUE(ValidateOpen(Connected("::1", 65535)).ok());
  EXPECT_TRUE(ValidateOpen(Connected("printer.local", 9100)).ok());
  EXPECT_TRUE(ValidateOpen(Bound("0.0.0.0", 0)).ok());
  EXPECT_TRUE(ValidateOpen(Bound("::", 1024)).ok());
  v1::OpenUDPSocket dual = Bound("::", 5000);
  dual.mutable_bound()->set_ipv6_only(false);
  EXPECT_TRUE(ValidateOpen(dual).ok());
}

TEST(ValidateOpenTest, RefusesAMissingMode) {
  ExpectError(ValidateOpen(v1::OpenUDPSocket()),
              absl::StatusCode::kInvalidArgument, "names no mode");
}

TEST(ValidateOpenTest, RefusesBadRemoteAddresses) {
  // An empty host resolves to nothing: Chrome 156's NetworkError.
  ExpectError(ValidateOpen(Connected("", 53)), absl::StatusCode::kNotFound,
              "Hostname couldn't be resolved.");
  ExpectError(ValidateOpen(Connected("http://x/", 53)),
              absl::StatusCode::kNotFound,
              "neither an IP address nor a host name");
  ExpectError(ValidateOpen(Connected(std::string(300, 'a'), 53)),
              absl::StatusCode::kNotFound,
              "neither an IP address nor a host name");
  ExpectError(ValidateOpen(Connected(std::string("a\0b", 3), 53)),
              absl::StatusCode::kNotFound,
              "neither an IP address nor a host name");
}

TEST(ValidateOpenTest, RefusesBadPorts) {
  // Port 0 is a peer the kernel connects to, as Chrome's service allows.
  EXPECT_TRUE(ValidateOpen(Connected("127.0.0.1", 0)).ok());
  ExpectError(ValidateOpen(Connected("127.0.0.1", 70000)),
              absl::StatusCode::kInvalidArgument, "outside 0..65535");
  ExpectError(ValidateOpen(Bound("127.0.0.1", 65536)),
              absl::StatusCode::kInvalidArgument, "localPort 65536");
  absl::Status privileged = ValidateOpen(Bound("127.0.0.1", 80));
  ExpectError(privileged, absl::StatusCode::kPermissionDenied, "below 1024");
  EXPECT_EQ(common::WebErrorOf(privileged), "InvalidAccessError");
}

TEST(ValidateOpenTest, RefusesBadLocalAddressAndIpv6Only) {
  ExpectError(ValidateOpen(Bound("localhost", 5000)),
              absl::StatusCode::kInvalidArgument, "not an IP address");
  v1::OpenUDPSocket v4 = Bound("0.0.0.0", 5000);
  v4.mutable_bound()->set_ipv6_only(true);
  ExpectError(ValidateOpen(v4), absl::StatusCode::kInvalidArgument,
              "ipv6Only applies only");
}

TEST(ValidateOpenTest, MulticastOptions) {
  v1::OpenUDPSocket bound = Bound("0.0.0.0", 5000);
  bound.set_multicast_time_to_live(255);
  bound.set_multicast_loopback(false);
  bound.set_multicast_allow_address_sharing(true);
  EXPECT_TRUE(ValidateOpen(bound).ok());
  bound.set_multicast_time_to_live(256);
  ExpectError(ValidateOpen(bound), absl::StatusCode::kInvalidArgument,
              "multicastTimeToLive 256 is outside 0..255");
  v1::OpenUDPSocket connected = Connected("239.1.1.1", 5000);
  connected.set_multicast_time_to_live(4);
  EXPECT_TRUE(ValidateOpen(connected).ok());
  connected.set_multicast_allow_address_sharing(true);
  ExpectError(ValidateOpen(connected), absl::StatusCode::kInvalidArgument,
              "applies only to bound sockets");
}

TEST(ValidateOpenTest, RefusesUnknownDnsQueryType) {
  v1::OpenUDPSocket open = Connected("example.test", 53);
  open.mutable_connected()->set_dns_query_type(
      static_cast<v1::DnsQueryType>(7));
  ExpectError(ValidateOpen(open), absl::StatusCode::kInvalidArgument,
              "dnsQueryType 7");
}

TEST(ValidateDatagramTest, ConnectedSocketsSendOnlyToTheirPeer) {
  v1::Datagram datagram;
  datagram.set_data("x");
  auto ok = ValidateDatagram(datagram, /*connected=*/true, AF_INET, false);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->has_value());
  datagram.set_remote_address("10.0.0.2");
  datagram.set_remote_port(9);
  ExpectError(ValidateDatagram(datagram, true, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "sends only to its remote");
}

TEST(ValidateDatagramTest, BoundSocketsNeedALiteralOfAUsableFamily) {
  v1::Datagram datagram;
  datagram.set_data("x");
  datagram.set_remote_port(9);
  datagram.set_remote_address("example.test");
  ExpectError(ValidateDatagram(datagram, false, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "not an IP address");
  datagram.set_remote_address("::1");
  ExpectError(ValidateDatagram(datagram, false, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "IPv4 socket cannot send");
  datagram.set_remote_address("127.0.0.1");
  ExpectError(ValidateDatagram(datagram, false, AF_INET6, true).status(),
              absl::StatusCode::kInvalidArgument, "ipv6Only");
  auto mapped = ValidateDatagram(datagram, false, AF_INET6, false);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ((*mapped)->address.ss_family, AF_INET6);
  datagram.set_remote_port(0);
  ExpectError(ValidateDatagram(datagram, false, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "remotePort must not be 0");
  datagram.set_remote_port(9);
  datagram.set_remote_address("0.0.0.0");
  ExpectError(ValidateDatagram(datagram, false, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "unspecified");
}

TEST(ValidateDatagramTest, RefusesOversizedPayloads) {
  v1::Datagram datagram;
  datagram.set_data(std::string(65508, 'x'));
  ExpectError(ValidateDatagram(datagram, true, AF_INET, false).status(),
              absl::StatusCode::kInvalidArgument, "larger than the UDP limit");
}

TEST(CheckNoUnknownFieldsTest, FindsUnknownFieldsAtAnyDepth) {
  v1::UDPSocketRequest request;
  request.mutable_send()->add_datagrams()->set_data("x");
  EXPECT_TRUE(CheckNoUnknownFields(request).ok());

  // A datagram with an extra field 99 (varint 1), as a newer or forged
  // renderer would send it.
  v1::Datagram datagram;
  std::string wire = datagram.SerializeAsString();
  wire.push_back(static_cast<char>(((99 << 3) & 0x7f) | 0x80));
  wire.push_back(static_cast<char>(99 >> 4));
  wire.push_back(1);
  ASSERT_TRUE(datagram.ParseFromString(wire));
  *request.mutable_send()->add_datagrams() = datagram;
  ExpectError(CheckNoUnknownFields(request), absl::StatusCode::kInvalidArgument,
              "direct_sockets.v1.Datagram carries fields");
}

}  // namespace
}  // namespace network_service
