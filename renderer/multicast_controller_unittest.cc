// MulticastController's rules, against a fake delegate that completes each
// join or leave on demand (as Blink's multicast_controller_unittest does).
#include "renderer/multicast_controller.h"

#include <gtest/gtest.h>

#include <map>

namespace renderer {
namespace {

namespace v1 = ::direct_sockets::v1;

class FakeSocket : public MulticastController::Delegate {
 public:
  uint64_t SendMembershipRequest(bool join, v1::MulticastGroup group) override {
    sent.push_back({join, group});
    return ++last_id;
  }
  struct Sent {
    bool join;
    v1::MulticastGroup group;
  };
  std::vector<Sent> sent;
  uint64_t last_id = 0;
};

class MulticastControllerTest : public ::testing::Test {
 protected:
  void Complete(uint64_t id, absl::Status status = absl::OkStatus()) {
    ASSERT_TRUE(controller_.OnResult(id, status));
  }
  void ExpectRejected(const Promise<Undefined>& promise,
                      const std::string& name,
                      const std::string& words) {
    ASSERT_TRUE(promise.is_rejected());
    EXPECT_EQ(promise.error().name(), name);
    EXPECT_NE(promise.error().message().find(words), std::string::npos)
        << promise.error().message();
  }

  FakeSocket socket_;
  MulticastController controller_{&socket_,
                                  {/*ipv6=*/true,
                                   /*dual_stack=*/true}};
};

TEST_F(MulticastControllerTest, JoinsAreListedOnlyOnceConfirmed) {
  auto asm_join = controller_.joinGroup("239.1.1.1");
  auto ssm_join = controller_.joinGroup("ff3e::1234", {"fd77::1"});
  ASSERT_EQ(socket_.sent.size(), 2u);
  EXPECT_TRUE(socket_.sent[0].join);
  EXPECT_EQ(socket_.sent[0].group.group_address(), "239.1.1.1");
  EXPECT_FALSE(socket_.sent[0].group.has_source_address());
  EXPECT_EQ(socket_.sent[1].group.source_address(), "fd77::1");
  EXPECT_TRUE(controller_.joinedGroups().empty());

  Complete(2);
  Complete(1);
  EXPECT_TRUE(asm_join.is_fulfilled());
  EXPECT_TRUE(ssm_join.is_fulfilled());
  // In the order the joins completed.
  std::vector<JoinedGroup> expected = {
      MulticastMembership{"ff3e::1234", "fd77::1"}, std::string("239.1.1.1")};
  EXPECT_EQ(controller_.joinedGroups(), expected);
}

TEST_F(MulticastControllerTest, ArgumentErrorsAreTypeErrors) {
  // Blink's words, in Blink's form.
  ExpectRejected(controller_.joinGroup("10.0.0.1"), "TypeError",
                 "Failed to execute 'joinGroup' on 'MulticastController': "
                 "ipAddress must be a valid multicast address");
  ExpectRejected(controller_.joinGroup(""), "TypeError",
                 "ipAddress must not be empty");
  ExpectRejected(controller_.joinGroup("mdns.local"), "TypeError",
                 "ipAddress is not a valid IPv4 or IPv6 address");
  // An IPv4-mapped group passes Blink's checks; Chrome's service refuses it.
  ExpectRejected(controller_.joinGroup("::ffff:239.1.1.1"), "DataError",
                 "The address is not valid.");
  ExpectRejected(controller_.joinGroup("232.1.1.1", {""}), "TypeError",
                 "sourceAddress must not be empty");
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"239.0.0.1"}), "TypeError",
                 "sourceAddress must be a unicast address, not a multicast "
                 "address");
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"0.0.0.0"}), "TypeError",
                 "sourceAddress must not be the zero address (0.0.0.0 or ::)");
  ExpectRejected(controller_.leaveGroup("232.1.1.1", {"fd77::1"}), "TypeError",
                 "Failed to execute 'leaveGroup' on 'MulticastController': "
                 "sourceAddress and ipAddress must be the same IP version");
  // Our rule where Blink has none: an IPv4-mapped source of an IPv6 group.
  ExpectRejected(controller_.joinGroup("ff3e::1", {"::ffff:10.0.0.1"}),
                 "TypeError", "IPv4-mapped");
  EXPECT_TRUE(socket_.sent.empty()) << "nothing may reach the service";
}

TEST_F(MulticastControllerTest, DuplicatesAreInvalidStateJoinedOrInFlight) {
  auto first = controller_.joinGroup("232.1.1.1", {"10.0.0.9"});
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"10.0.0.9"}),
                 "InvalidStateError",
                 "Already joining this group/source combination");
  Complete(1);
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"10.0.0.9"}),
                 "InvalidStateError",
                 "Cannot join the same group/source combination again");
  // Another source for the same group joins its source set.
  auto second = controller_.joinGroup("232.1.1.1", {"10.0.0.10"});
  EXPECT_FALSE(second.is_rejected());
  EXPECT_EQ(socket_.sent.size(), 2u);
}

TEST_F(MulticastControllerTest, AsmAndSsmDoNotMixOnOneGroup) {
  controller_.joinGroup("239.5.5.5");  // In flight.
  ExpectRejected(controller_.joinGroup("239.5.5.5", {"10.0.0.9"}),
                 "InvalidStateError",
                 "Cannot join SSM group while an ASM join for the same group "
                 "is pending");
  Complete(1);
  ExpectRejected(controller_.joinGroup("239.5.5.5", {"10.0.0.9"}),
                 "InvalidStateError",
                 "Cannot join SSM group for which ASM membership already "
                 "exists");
  controller_.joinGroup("232.2.2.2", {"10.0.0.9"});
  ExpectRejected(controller_.joinGroup("232.2.2.2"), "InvalidStateError",
                 "Cannot join ASM group while an SSM join for the same group "
                 "is pending");
  Complete(2);
  ExpectRejected(controller_.joinGroup("232.2.2.2"), "InvalidStateError",
                 "Cannot join ASM group for which SSM membership already "
                 "exists");
}

TEST_F(MulticastControllerTest, LeaveRules) {
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "Cannot leave group which is not joined");
  controller_.joinGroup("239.1.1.1");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "Cannot leave group which is not joined");
  Complete(1);
  // An SSM membership is left only with its source.
  controller_.joinGroup("232.1.1.1", {"10.0.0.9"});
  Complete(2);
  ExpectRejected(controller_.leaveGroup("232.1.1.1"), "InvalidStateError",
                 "Cannot leave group which is not joined");
  auto leave = controller_.leaveGroup("239.1.1.1");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "Already leaving the group");
  EXPECT_EQ(controller_.joinedGroups().size(), 2u) << "still a member";
  Complete(3);
  EXPECT_TRUE(leave.is_fulfilled());
  std::vector<JoinedGroup> expected = {
      MulticastMembership{"232.1.1.1", "10.0.0.9"}};
  EXPECT_EQ(controller_.joinedGroups(), expected);
}

TEST_F(MulticastControllerTest, ServiceRefusalsAreNetworkErrors) {
  auto join = controller_.joinGroup("239.1.1.1");
  Complete(1, absl::ResourceExhaustedError("239.1.1.1: this socket already "
                                           "holds 20 memberships"));
  ExpectRejected(join, "NetworkError", "20 memberships");
  EXPECT_TRUE(controller_.joinedGroups().empty());
}

TEST_F(MulticastControllerTest, CloseAbortsWhatIsInFlightAndRefusesMore) {
  controller_.joinGroup("239.1.1.1");
  Complete(1);
  auto join = controller_.joinGroup("239.2.2.2");
  auto leave = controller_.leaveGroup("239.1.1.1");
  controller_.OnSocketClosed();
  ExpectRejected(join, "AbortError", "Socket closed.");
  ExpectRejected(leave, "AbortError", "Socket closed.");
  EXPECT_TRUE(controller_.joinedGroups().empty());
  // The state is checked before the address, as Blink does.
  ExpectRejected(controller_.joinGroup("not-an-ip"), "InvalidStateError",
                 "Cannot join group if the socket is not opened");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "Cannot leave group if the socket is not opened");
  EXPECT_FALSE(controller_.OnResult(2, absl::OkStatus()));
}

TEST(MulticastControllerFamilyTest, GroupsMustFitTheSocket) {
  FakeSocket socket;
  MulticastController ipv4(&socket, {false, false});
  // Chrome's network service refuses these: DataError.
  auto v6 = ipv4.joinGroup("ff0e::1");
  ASSERT_TRUE(v6.is_rejected());
  EXPECT_EQ(v6.error().name(), "DataError");
  EXPECT_EQ(v6.error().message(), "The address is not valid.");
  MulticastController ipv6_only(&socket, {true, false});
  auto v4 = ipv6_only.joinGroup("239.1.1.1");
  ASSERT_TRUE(v4.is_rejected());
  EXPECT_EQ(v4.error().name(), "DataError");
  EXPECT_TRUE(socket.sent.empty());
}

}  // namespace
}  // namespace renderer
