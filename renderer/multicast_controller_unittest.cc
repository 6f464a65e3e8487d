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
  ExpectRejected(controller_.joinGroup("10.0.0.1"), "TypeError",
                 "not a multicast address");
  ExpectRejected(controller_.joinGroup("mdns.local"), "TypeError",
                 "not an IP address literal");
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"239.0.0.1"}), "TypeError",
                 "is a multicast address");
  ExpectRejected(controller_.leaveGroup("232.1.1.1", {"fd77::1"}), "TypeError",
                 "same version");
  EXPECT_TRUE(socket_.sent.empty()) << "nothing may reach the service";
}

TEST_F(MulticastControllerTest, DuplicatesAreInvalidStateJoinedOrInFlight) {
  auto first = controller_.joinGroup("232.1.1.1", {"10.0.0.9"});
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"10.0.0.9"}),
                 "InvalidStateError",
                 "232.1.1.1 from 10.0.0.9: a join of it is already in flight");
  Complete(1);
  ExpectRejected(controller_.joinGroup("232.1.1.1", {"10.0.0.9"}),
                 "InvalidStateError",
                 "232.1.1.1 from 10.0.0.9: already joined on this socket");
  // Another source for the same group joins its source set.
  auto second = controller_.joinGroup("232.1.1.1", {"10.0.0.10"});
  EXPECT_FALSE(second.is_rejected());
  EXPECT_EQ(socket_.sent.size(), 2u);
}

TEST_F(MulticastControllerTest, AsmAndSsmDoNotMixOnOneGroup) {
  controller_.joinGroup("239.5.5.5");  // In flight.
  ExpectRejected(controller_.joinGroup("239.5.5.5", {"10.0.0.9"}),
                 "InvalidStateError", "cannot be mixed");
  Complete(1);
  ExpectRejected(controller_.joinGroup("239.5.5.5", {"10.0.0.9"}),
                 "InvalidStateError", "already has an any-source");
  controller_.joinGroup("232.2.2.2", {"10.0.0.9"});
  ExpectRejected(controller_.joinGroup("232.2.2.2"), "InvalidStateError",
                 "already has a source-specific");
}

TEST_F(MulticastControllerTest, LeaveRules) {
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "not joined on this socket");
  controller_.joinGroup("239.1.1.1");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "still in flight");
  Complete(1);
  // An SSM membership is left only with its source.
  controller_.joinGroup("232.1.1.1", {"10.0.0.9"});
  Complete(2);
  ExpectRejected(controller_.leaveGroup("232.1.1.1"), "InvalidStateError",
                 "not joined");
  auto leave = controller_.leaveGroup("239.1.1.1");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "a leave of it is already in flight");
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
  ExpectRejected(join, "AbortError", "closed before the join of 239.2.2.2");
  ExpectRejected(leave, "AbortError", "closed before the leave of 239.1.1.1");
  EXPECT_TRUE(controller_.joinedGroups().empty());
  ExpectRejected(controller_.joinGroup("239.3.3.3"), "InvalidStateError",
                 "the socket is closed");
  ExpectRejected(controller_.leaveGroup("239.1.1.1"), "InvalidStateError",
                 "the socket is closed");
  EXPECT_FALSE(controller_.OnResult(2, absl::OkStatus()));
}

TEST(MulticastControllerFamilyTest, GroupsMustFitTheSocket) {
  FakeSocket socket;
  MulticastController ipv4(&socket, {false, false});
  auto v6 = ipv4.joinGroup("ff0e::1");
  ASSERT_TRUE(v6.is_rejected());
  EXPECT_EQ(v6.error().name(), "InvalidStateError");
  MulticastController ipv6_only(&socket, {true, false});
  auto v4 = ipv6_only.joinGroup("239.1.1.1");
  ASSERT_TRUE(v4.is_rejected());
  EXPECT_NE(v4.error().message().find("does not receive IPv4"),
            std::string::npos);
  EXPECT_TRUE(socket.sent.empty());
}

}  // namespace
}  // namespace renderer
