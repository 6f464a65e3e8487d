// The admin's view of one RestrictedUDPSocket (Describe): its options,
// memberships with their time, and counters that follow what it read, sent
// and the kernel dropped; the app's totals keep them when it closes.
#include "network_service/requests/restricted_udp_socket_test_fixture.h"

namespace network_service {
namespace test {
namespace {

namespace admin = ::direct_sockets::admin::v1;
using ::common::IpAddress;

TEST_F(RestrictedUDPSocketTest, DescribesWhatTheSocketHoldsAndMoved) {
  admin::Socket described;
  Make();
  socket_->Describe(9, &described);
  EXPECT_EQ(described.state(), "opening");
  EXPECT_FALSE(described.has_counters());

  Open(Bound("0.0.0.0", 5000));
  ASSERT_NE(OpenedEvent(), nullptr);
  Join(2, Group("239.1.2.3"));
  Join(3, Group("232.1.1.1", "10.0.0.9"));
  Send(4, {To("239.1.1.1", 5000, "hello"), To("239.1.1.1", 5000, "hi")});
  ASSERT_TRUE(RunUntil([this] { return ResultOf(4).has_value(); }));
  Credit(4);
  factory_.live_socket()->Deliver("abc", *IpAddress::Parse("10.0.0.5"), 4000);
  ASSERT_TRUE(RunUntil([this] { return ReceivedCount(*stream_) == 1; }));
  Kernel().kernel_queue.drops = 7;
  Kernel().kernel_queue.receive_queue_bytes = 1280;

  described.Clear();
  socket_->Describe(9, &described);
  EXPECT_EQ(described.id(), 9u);
  EXPECT_EQ(described.state(), "open");
  EXPECT_EQ(described.local_port(), Kernel().port);
  EXPECT_EQ(described.options().multicast_ttl(), 1u);
  EXPECT_TRUE(described.options().multicast_loopback());
  ASSERT_EQ(described.memberships_size(), 2);
  EXPECT_EQ(described.memberships(0).group(), "239.1.2.3");
  EXPECT_EQ(described.memberships(0).source(), "");
  EXPECT_EQ(described.memberships(1).source(), "10.0.0.9");
  EXPECT_FALSE(described.memberships(1).since().empty());
  const admin::Counters& counters = described.counters();
  EXPECT_EQ(counters.datagrams_out(), 2u);
  EXPECT_EQ(counters.bytes_out(), 7u);
  EXPECT_EQ(counters.datagrams_in(), 1u);
  EXPECT_EQ(counters.bytes_in(), 3u);
  EXPECT_EQ(counters.kernel_drops(), 7u);
  EXPECT_EQ(counters.receive_queue_bytes(), 1280u);

  // Closed, the app's totals keep what it moved.
  socket_->Close(absl::OkStatus());
  EXPECT_TRUE(WaitUntilClosed());
  const Traffic retired = apps_.retired_traffic_of(kOrigin);
  EXPECT_EQ(retired.datagrams_out, 2u);
  EXPECT_EQ(retired.bytes_in, 3u);
  EXPECT_EQ(retired.kernel_drops, 7u);
  socket_.reset();
}

}  // namespace
}  // namespace test
}  // namespace network_service
