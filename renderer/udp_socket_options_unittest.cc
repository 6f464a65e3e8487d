#include "renderer/udp_socket_options.h"

#include <gtest/gtest.h>

namespace renderer {
namespace {

// The messages are Chrome 156's, as a run of the real browser showed them
// (tests/js/options_test.mjs pins them in Chromium; docs/testing.md).

// Expects BuildOpenRequest to refuse `options` with `name` and exactly
// `message`.
void ExpectRefusal(const UDPSocketOptions& options,
                   const std::string& message,
                   const std::string& name = "TypeError",
                   bool multicast_permitted = true) {
  auto result = BuildOpenRequest(options, multicast_permitted);
  ASSERT_FALSE(result.ok()) << "expected " << name << ": " << message;
  EXPECT_EQ(result.error().name(), name);
  EXPECT_EQ(result.error().message(), message);
}

UDPSocketOptions Connected() {
  UDPSocketOptions options;
  options.remoteAddress = "127.0.0.1";
  options.remotePort = 9;
  return options;
}

UDPSocketOptions Bound(const std::string& address = "0.0.0.0") {
  UDPSocketOptions options;
  options.localAddress = address;
  return options;
}

TEST(BuildOpenRequestTest, ConnectedMode) {
  UDPSocketOptions options;
  options.remoteAddress = "example.test";
  options.remotePort = 53;
  options.dnsQueryType = "ipv6";
  options.sendBufferSize = 8192;
  auto open = BuildOpenRequest(options, true);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  ASSERT_TRUE(open->has_connected());
  EXPECT_EQ(open->connected().remote_address(), "example.test");
  EXPECT_EQ(open->connected().remote_port(), 53u);
  EXPECT_EQ(open->connected().dns_query_type(),
            direct_sockets::v1::DNS_QUERY_TYPE_IPV6);
  EXPECT_EQ(open->send_buffer_size(), 8192u);
}

TEST(BuildOpenRequestTest, BoundMode) {
  UDPSocketOptions options = Bound("::");
  options.ipv6Only = true;
  auto open = BuildOpenRequest(options, true);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  ASSERT_TRUE(open->has_bound());
  EXPECT_EQ(open->bound().local_port(), 0u);
  EXPECT_TRUE(open->bound().ipv6_only());
}

TEST(BuildOpenRequestTest, TheModeIsDecidedFirst) {
  ExpectRefusal({}, "neither remoteAddress nor localAddress specified.");

  UDPSocketOptions half;
  half.remoteAddress = "127.0.0.1";
  half.localPort = 0;  // The mode's rule comes before localPort's.
  ExpectRefusal(half,
                "remoteAddress and remotePort should either be specified "
                "together or not specified at all.");

  UDPSocketOptions port_only;
  port_only.localPort = 5000;
  ExpectRefusal(port_only,
                "localPort cannot be specified without localAddress.");

  UDPSocketOptions both = Connected();
  both.localAddress = "not an address";
  ExpectRefusal(both,
                "remoteAddress and localAddress cannot be specified at the "
                "same time.");
}

TEST(BuildOpenRequestTest, ConnectedRules) {
  UDPSocketOptions v6only = Connected();
  v6only.ipv6Only = false;  // Present at all is enough.
  v6only.sendBufferSize = 0;
  ExpectRefusal(v6only, "ipv6Only can only be specified with localAddress.");

  UDPSocketOptions zero_buffer = Connected();
  zero_buffer.receiveBufferSize = 0;
  ExpectRefusal(zero_buffer, "receiverBufferSize must be greater than zero.");
  zero_buffer.sendBufferSize = 0;
  ExpectRefusal(zero_buffer, "sendBufferSize must be greater than zero.");

  // The network service decides an empty host or port 0, as Chrome's does.
  UDPSocketOptions empty = Connected();
  empty.remoteAddress = "";
  empty.remotePort = 0;
  EXPECT_TRUE(BuildOpenRequest(empty, true).ok());

  // Address sharing means nothing to a connected socket: not sent.
  UDPSocketOptions sharing = Connected();
  sharing.multicastAllowAddressSharing = true;
  auto open = BuildOpenRequest(sharing, true);
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->multicast_allow_address_sharing());
}

TEST(BuildOpenRequestTest, BoundRules) {
  UDPSocketOptions bad_local = Bound("localhost");
  bad_local.localPort = 0;
  ExpectRefusal(bad_local, "localAddress must be a valid IP address.");

  UDPSocketOptions zero_port = Bound();
  zero_port.localPort = 0;
  zero_port.dnsQueryType = "ipv4";
  ExpectRefusal(zero_port,
                "localPort must be greater than zero. Leave this field "
                "unassigned to allow the OS to pick a port on its own.");

  UDPSocketOptions dns = Bound();
  dns.dnsQueryType = "ipv4";
  dns.sendBufferSize = 0;
  ExpectRefusal(dns,
                "dnsQueryType is only relevant when remoteAddress is "
                "specified.");

  UDPSocketOptions buffer = Bound("127.0.0.1");
  buffer.receiveBufferSize = 0;
  buffer.ipv6Only = true;
  ExpectRefusal(buffer, "receiverBufferSize must be greater than zero.");

  for (const char* address : {"0.0.0.0", "::1"}) {
    UDPSocketOptions v6only = Bound(address);
    v6only.ipv6Only = false;
    ExpectRefusal(v6only,
                  "ipv6Only can only be specified when localAddress is [::] "
                  "or equivalent.");
  }
}

TEST(BuildOpenRequestTest, EnforceRangeInWebIdlOrder) {
  UDPSocketOptions big = Connected();
  big.remotePort = 65536;
  big.receiveBufferSize = -1;  // Read first: SocketOptions' members lead.
  ExpectRefusal(big,
                "Failed to read the 'receiveBufferSize' property from "
                "'SocketOptions': Value is outside the 'unsigned long' value "
                "range.");
  big.receiveBufferSize.reset();
  ExpectRefusal(big,
                "Failed to read the 'remotePort' property from "
                "'UDPSocketOptions': Value is outside the 'unsigned short' "
                "value range.");

  UDPSocketOptions ttl = Connected();
  ttl.multicastTimeToLive = 256;
  ExpectRefusal(ttl,
                "Failed to read the 'multicastTimeToLive' property from "
                "'UDPSocketOptions': Value is outside the 'octet' value "
                "range.");

  UDPSocketOptions dns = Connected();
  dns.dnsQueryType = "any";
  ExpectRefusal(dns,
                "Failed to read the 'dnsQueryType' property from "
                "'UDPSocketOptions': The provided value 'any' is not a valid "
                "enum value of type SocketDnsQueryType.");
}

TEST(BuildOpenRequestTest, MulticastOptions) {
  UDPSocketOptions sender;
  sender.remoteAddress = "239.0.0.1";
  sender.remotePort = 12345;
  sender.multicastTimeToLive = 0;  // In range: stays on this host.
  sender.multicastLoopback = false;
  auto open = BuildOpenRequest(sender, true);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  EXPECT_EQ(open->multicast_time_to_live(), 0u);
  EXPECT_FALSE(open->multicast_loopback());

  auto plain = BuildOpenRequest(Bound(), /*multicast_permitted=*/false);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->has_multicast_time_to_live());  // The service sets 1.
  EXPECT_FALSE(plain->has_multicast_loopback());      // The service sets on.
  EXPECT_FALSE(plain->multicast_allow_address_sharing());

  UDPSocketOptions receiver = Bound();
  receiver.localPort = 12345;
  receiver.multicastAllowAddressSharing = false;  // Present counts.
  auto shared = BuildOpenRequest(receiver, true);
  ASSERT_TRUE(shared.ok());
  ExpectRefusal(receiver,
                "Cannot use Multicast options if permission policy "
                "'direct-sockets-multicast' is absent.",
                "NotAllowedError", /*multicast_permitted=*/false);
  ExpectRefusal(sender,
                "Cannot use Multicast options if permission policy "
                "'direct-sockets-multicast' is absent.",
                "NotAllowedError", /*multicast_permitted=*/false);
}

// Expects BuildDatagram to refuse `message` with `name` and `text`.
void ExpectDatagramRefusal(const UDPMessage& message,
                           bool connected,
                           const std::string& text,
                           const std::string& name = "TypeError") {
  auto result = BuildDatagram(message, connected);
  ASSERT_FALSE(result.ok()) << "expected " << name << ": " << text;
  EXPECT_EQ(result.error().name(), name);
  EXPECT_EQ(result.error().message(), text);
}

TEST(BuildDatagramTest, ConnectedRules) {
  UDPMessage message;
  ExpectDatagramRefusal(message, true,
                        "UDPMessage: 'data' field must not be empty.");
  message.data = {1, 2, 3};
  EXPECT_TRUE(BuildDatagram(message, /*connected=*/true).ok());
  message.remotePort = 9;
  ExpectDatagramRefusal(message, true,
                        "UDPMessage: either none or both 'remoteAddress' and "
                        "'remotePort' fields must be specified.");
  message.remoteAddress = "127.0.0.1";
  ExpectDatagramRefusal(message, true,
                        "UDPMessage: 'remoteAddress' and 'remotePort' must "
                        "not be specified in 'connected' mode.");
  UDPMessage dns;
  dns.data = {1};
  dns.dnsQueryType = "ipv4";
  ExpectDatagramRefusal(dns, true,
                        "UDPMessage: 'dnsQueryType' must not be specified in "
                        "'connected' mode.");
}

TEST(BuildDatagramTest, BoundRules) {
  UDPMessage message;
  message.data = {1};
  ExpectDatagramRefusal(message, false,
                        "UDPMessage: 'remoteAddress' and 'remotePort' must be "
                        "specified in 'bound' mode.");
  message.remoteAddress = "127.0.0.1";
  message.remotePort = 9;
  message.dnsQueryType = "ipv4";  // Allowed, and moot for a literal.
  auto ok = BuildDatagram(message, false);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->remote_address(), "127.0.0.1");
  EXPECT_EQ(ok->remote_port(), 9u);

  message.remoteAddress = "printer.local";  // We differ: no per-send DNS.
  ExpectDatagramRefusal(
      message, false,
      "Stream aborted by the remote: net::ERR_NAME_NOT_RESOLVED",
      "NetworkError");
  message.remoteAddress = "127.0.0.1";
  for (int64_t port : {0, 70000}) {
    message.remotePort = port;
    ExpectDatagramRefusal(
        message, false,
        "Stream aborted by the remote: net::ERR_INVALID_ARGUMENT",
        "NetworkError");
  }
}

TEST(BuildDatagramTest, OversizedDataIsChromesNetworkError) {
  UDPMessage message;
  message.data.resize(65507);
  EXPECT_TRUE(BuildDatagram(message, true).ok());
  message.data.resize(65508);
  ExpectDatagramRefusal(message, true,
                        "Stream aborted by the remote: net::ERR_MSG_TOO_BIG",
                        "NetworkError");
}

}  // namespace
}  // namespace renderer
