#include "renderer/udp_socket_options.h"

#include <gtest/gtest.h>

namespace renderer {
namespace {

// Expects BuildOpenRequest to throw a TypeError whose message has `words`.
void ExpectTypeError(const UDPSocketOptions& options,
                     const std::string& words) {
  auto result = BuildOpenRequest(options);
  ASSERT_FALSE(result.ok()) << "expected a TypeError mentioning " << words;
  EXPECT_EQ(result.error().name(), "TypeError");
  EXPECT_NE(result.error().message().find(words), std::string::npos)
      << "message was: " << result.error().message();
}

TEST(BuildOpenRequestTest, ConnectedMode) {
  UDPSocketOptions options;
  options.remoteAddress = "example.test";
  options.remotePort = 53;
  options.dnsQueryType = "ipv6";
  options.sendBufferSize = 8192;
  auto open = BuildOpenRequest(options);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  ASSERT_TRUE(open->has_connected());
  EXPECT_EQ(open->connected().remote_address(), "example.test");
  EXPECT_EQ(open->connected().remote_port(), 53u);
  EXPECT_EQ(open->connected().dns_query_type(),
            direct_sockets::v1::DNS_QUERY_TYPE_IPV6);
  EXPECT_EQ(open->send_buffer_size(), 8192u);
}

TEST(BuildOpenRequestTest, BoundMode) {
  UDPSocketOptions options;
  options.localAddress = "::";
  options.ipv6Only = true;
  auto open = BuildOpenRequest(options);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  ASSERT_TRUE(open->has_bound());
  EXPECT_EQ(open->bound().local_port(), 0u);
  EXPECT_TRUE(open->bound().ipv6_only());
}

TEST(BuildOpenRequestTest, EachRuleOfTheConstructor) {
  UDPSocketOptions none;
  ExpectTypeError(none, "needs remoteAddress and remotePort");

  UDPSocketOptions half;
  half.remoteAddress = "127.0.0.1";
  ExpectTypeError(half, "must be given together");

  UDPSocketOptions port_only;
  port_only.localPort = 5000;
  ExpectTypeError(port_only, "localPort needs localAddress");

  UDPSocketOptions zero_port;
  zero_port.localAddress = "127.0.0.1";
  zero_port.localPort = 0;
  ExpectTypeError(zero_port, "localPort must not be 0");

  UDPSocketOptions both;
  both.remoteAddress = "127.0.0.1";
  both.remotePort = 9;
  both.localAddress = "127.0.0.1";
  ExpectTypeError(both, "cannot be combined");

  UDPSocketOptions bad_local;
  bad_local.localAddress = "localhost";
  ExpectTypeError(bad_local, "\"localhost\" is not a valid IP address");

  UDPSocketOptions dns_bound;
  dns_bound.localAddress = "0.0.0.0";
  dns_bound.dnsQueryType = "ipv4";
  ExpectTypeError(dns_bound, "dnsQueryType applies only to connected");

  UDPSocketOptions bad_dns;
  bad_dns.remoteAddress = "127.0.0.1";
  bad_dns.remotePort = 9;
  bad_dns.dnsQueryType = "any";
  ExpectTypeError(bad_dns, "not a valid value of SocketDnsQueryType");

  UDPSocketOptions v6only_connected;
  v6only_connected.remoteAddress = "::1";
  v6only_connected.remotePort = 9;
  v6only_connected.ipv6Only = false;
  ExpectTypeError(v6only_connected, "ipv6Only applies only");

  UDPSocketOptions v6only_v4;
  v6only_v4.localAddress = "0.0.0.0";
  v6only_v4.ipv6Only = true;
  ExpectTypeError(v6only_v4, "ipv6Only applies only to localAddress");

  UDPSocketOptions zero_buffer;
  zero_buffer.localAddress = "0.0.0.0";
  zero_buffer.receiveBufferSize = 0;
  ExpectTypeError(zero_buffer, "receiveBufferSize must not be 0");

  UDPSocketOptions empty_remote;
  empty_remote.remoteAddress = "";
  empty_remote.remotePort = 9;
  ExpectTypeError(empty_remote, "remoteAddress must not be empty");

  UDPSocketOptions zero_remote_port;
  zero_remote_port.remoteAddress = "127.0.0.1";
  zero_remote_port.remotePort = 0;
  ExpectTypeError(zero_remote_port, "remotePort must not be 0");
}

TEST(BuildOpenRequestTest, EnforceRange) {
  UDPSocketOptions big_port;
  big_port.remoteAddress = "127.0.0.1";
  big_port.remotePort = 65536;
  ExpectTypeError(big_port, "remotePort: value 65536 is outside the range");

  UDPSocketOptions negative;
  negative.localAddress = "127.0.0.1";
  negative.sendBufferSize = -1;
  ExpectTypeError(negative, "sendBufferSize: value -1");

  UDPSocketOptions huge;
  huge.localAddress = "127.0.0.1";
  huge.receiveBufferSize = 4294967296;
  ExpectTypeError(huge, "receiveBufferSize: value 4294967296");
}

TEST(BuildOpenRequestTest, MulticastOptions) {
  UDPSocketOptions sender;
  sender.remoteAddress = "239.0.0.1";
  sender.remotePort = 12345;
  sender.multicastTimeToLive = 5;
  sender.multicastLoopback = false;
  auto open = BuildOpenRequest(sender);
  ASSERT_TRUE(open.ok()) << open.error().ToString();
  EXPECT_EQ(open->multicast_time_to_live(), 5u);
  EXPECT_FALSE(open->multicast_loopback());

  UDPSocketOptions defaults;
  defaults.localAddress = "0.0.0.0";
  auto plain = BuildOpenRequest(defaults);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->has_multicast_time_to_live());  // The service sets 1.
  EXPECT_FALSE(plain->has_multicast_loopback());      // The service sets on.
  EXPECT_FALSE(plain->multicast_allow_address_sharing());

  UDPSocketOptions receiver;
  receiver.localAddress = "0.0.0.0";
  receiver.localPort = 12345;
  receiver.multicastAllowAddressSharing = true;
  auto shared = BuildOpenRequest(receiver);
  ASSERT_TRUE(shared.ok());
  EXPECT_TRUE(shared->multicast_allow_address_sharing());

  sender.multicastTimeToLive = 256;
  ExpectTypeError(sender, "multicastTimeToLive: value 256 is outside");
  sender.multicastTimeToLive = -1;
  ExpectTypeError(sender, "multicastTimeToLive: value -1");
  sender.multicastTimeToLive = 0;  // In range: stays on this host.
  EXPECT_TRUE(BuildOpenRequest(sender).ok());
  sender.multicastAllowAddressSharing = true;
  ExpectTypeError(sender, "applies only to bound sockets");
}

TEST(BuildDatagramTest, ConnectedRefusesAnAddress) {
  UDPMessage message;
  message.data = {1, 2, 3};
  EXPECT_TRUE(BuildDatagram(message, /*connected=*/true).ok());
  message.remotePort = 9;
  auto result = BuildDatagram(message, true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().name(), "TypeError");
}

TEST(BuildDatagramTest, BoundNeedsALiteralAndPort) {
  UDPMessage message;
  message.data = {1};
  EXPECT_FALSE(BuildDatagram(message, false).ok());
  message.remoteAddress = "127.0.0.1";
  message.remotePort = 9;
  auto ok = BuildDatagram(message, false);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->remote_address(), "127.0.0.1");
  message.remoteAddress = "printer.local";
  auto named = BuildDatagram(message, false);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.error().message().find("IP literals only"),
            std::string::npos);
  message.remoteAddress = "127.0.0.1";
  message.remotePort = 70000;
  EXPECT_FALSE(BuildDatagram(message, false).ok());
}

TEST(BuildDatagramTest, RefusesOversizedData) {
  UDPMessage message;
  message.data.resize(65508);
  auto result = BuildDatagram(message, true);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("at most 65507"), std::string::npos);
}

}  // namespace
}  // namespace renderer
