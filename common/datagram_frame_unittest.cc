#include "common/datagram_frame.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ip_address.h"

namespace common {
namespace {

struct Seen {
  std::string data;
  std::string sender;  // "address port", or "" for none.
};

std::vector<Seen> Read(absl::string_view frame,
                       uint32_t* socket_id,
                       absl::Status* status) {
  std::vector<Seen> seen;
  *status = DatagramFrame::ForEach(
      frame, socket_id, [&](absl::string_view data, const sockaddr* from) {
        std::string sender;
        if (from != nullptr) {
          sockaddr_storage copy{};
          std::memcpy(&copy, from,
                      from->sa_family == AF_INET ? sizeof(sockaddr_in)
                                                 : sizeof(sockaddr_in6));
          sender = IpAddress::FromSockaddr(from).ToString() + " " +
                   std::to_string(
                       ntohs(reinterpret_cast<sockaddr_in*>(&copy)->sin_port));
        }
        seen.push_back({std::string(data), sender});
      });
  return seen;
}

TEST(DatagramFrameTest, CarriesDatagramsAndSendersInOrder) {
  sockaddr_storage v4{}, v6{};
  IpAddress::Parse("192.0.2.7")->ToSockaddr(4000, &v4);
  IpAddress::Parse("2001:db8::1")->ToSockaddr(5353, &v6);
  DatagramFrame frame;
  frame.Begin(42);
  ASSERT_TRUE(frame.Add("one", reinterpret_cast<sockaddr*>(&v4)));
  ASSERT_TRUE(frame.Add("", reinterpret_cast<sockaddr*>(&v6)));
  ASSERT_TRUE(frame.Add("three", nullptr));
  EXPECT_EQ(frame.count(), 3u);
  uint32_t socket_id = 0;
  absl::Status status;
  std::vector<Seen> seen = Read(frame.bytes(), &socket_id, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(socket_id, 42u);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].data, "one");
  EXPECT_EQ(seen[0].sender, "192.0.2.7 4000");
  EXPECT_EQ(seen[1].data, "");
  EXPECT_EQ(seen[1].sender, "2001:db8::1 5353");
  EXPECT_EQ(seen[2].data, "three");
  EXPECT_EQ(seen[2].sender, "");
}

TEST(DatagramFrameTest, StopsAddingAtItsLimit) {
  DatagramFrame frame;
  frame.Begin(1);
  const std::string big(65507, 'x');
  int added = 0;
  while (frame.Add(big, nullptr))
    ++added;
  EXPECT_EQ(added, 2);  // Two fit in kMaxBytes; a third does not.
  EXPECT_LE(frame.bytes().size(), DatagramFrame::kMaxBytes);
  // An empty frame always takes the largest datagram.
  frame.Begin(1);
  EXPECT_TRUE(frame.Add(big, nullptr));
}

TEST(DatagramFrameTest, RefusesAMalformedFrameWhole) {
  DatagramFrame frame;
  frame.Begin(7);
  ASSERT_TRUE(frame.Add("hello", nullptr));
  ASSERT_TRUE(frame.Add("world", nullptr));
  const std::string good(frame.bytes());
  std::vector<std::string> bad = {
      "", good.substr(0, 10),           // Cut in the header.
      good.substr(0, good.size() - 1),  // Cut in the last datagram.
      good + "x",                       // Bytes after the records.
  };
  std::string wrong_magic = good;
  wrong_magic[0] ^= 1;
  bad.push_back(wrong_magic);
  std::string huge_count = good;
  const uint32_t count = 0xffffffff;
  std::memcpy(huge_count.data() + offsetof(DatagramFrame::FrameHeader, count),
              &count, sizeof(count));
  bad.push_back(huge_count);
  std::string huge_length = good;
  const uint32_t length = 0xfffffff0;
  std::memcpy(huge_length.data() + sizeof(DatagramFrame::FrameHeader), &length,
              sizeof(length));
  bad.push_back(huge_length);
  std::string odd_family = good;
  odd_family[sizeof(DatagramFrame::FrameHeader) +
             offsetof(DatagramFrame::RecordHeader, family)] = 99;
  bad.push_back(odd_family);
  for (const std::string& frame_bytes : bad) {
    uint32_t socket_id = 0;
    absl::Status status;
    std::vector<Seen> seen = Read(frame_bytes, &socket_id, &status);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << frame_bytes.size();
    EXPECT_TRUE(seen.empty()) << "a bad frame delivered something";
  }
}

TEST(DatagramCreditTest, ReadsExactlyOneCreditMessage) {
  DatagramCredit credit;
  credit.socket_id = 3;
  credit.count = 128;
  const std::string bytes(reinterpret_cast<const char*>(&credit),
                          sizeof(credit));
  std::optional<DatagramCredit> read = DatagramCredit::Parse(bytes);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->socket_id, 3u);
  EXPECT_EQ(read->count, 128u);
  std::string wrong_magic = bytes;
  wrong_magic[0] ^= 1;
  for (const std::string& bad : {std::string(), bytes.substr(1), bytes + bytes,
                                 bytes + "x", wrong_magic}) {
    EXPECT_FALSE(DatagramCredit::Parse(bad).has_value()) << bad.size();
  }
}

TEST(DatagramFrameTest, ASendFrameCarriesItsRequestAndDestinations) {
  sockaddr_storage to{};
  IpAddress::Parse("239.1.2.3")->ToSockaddr(5004, &to);
  DatagramFrame frame;
  frame.Begin(DatagramFrame::Kind::kSend, 9, 0x1234567890ull);
  ASSERT_TRUE(frame.Add("a", reinterpret_cast<sockaddr*>(&to)));
  ASSERT_TRUE(frame.Add("bc", nullptr));
  EXPECT_EQ(PipeMessageMagic(frame.bytes()),
            static_cast<uint32_t>(DatagramFrame::Kind::kSend));
  DatagramFrame::FrameHeader header{};
  std::vector<std::string> seen;
  ASSERT_TRUE(DatagramFrame::ForEach(
                  frame.bytes(), DatagramFrame::Kind::kSend, &header,
                  [&](absl::string_view data, const sockaddr* peer) {
                    seen.push_back(absl::StrCat(
                        data, "@",
                        peer ? IpAddress::FromSockaddr(peer).ToString() : "-"));
                  })
                  .ok());
  EXPECT_EQ(header.socket_id, 9u);
  EXPECT_EQ(header.request_id, 0x1234567890ull);
  EXPECT_EQ(seen, (std::vector<std::string>{"a@239.1.2.3", "bc@-"}));
  // Each kind reads only as itself: a send frame is not received datagrams.
  uint32_t socket_id = 0;
  absl::Status status;
  EXPECT_TRUE(Read(frame.bytes(), &socket_id, &status).empty());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(DatagramResultTest, ReadsExactlyOneResult) {
  const std::string bytes = DatagramResult::Encode(4, 77, "status");
  std::optional<DatagramResult> read = DatagramResult::Parse(bytes);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->socket_id, 4u);
  EXPECT_EQ(read->request_id, 77u);
  EXPECT_EQ(read->status, "status");
  const std::string ok = DatagramResult::Encode(4, 78, "");
  ASSERT_TRUE(DatagramResult::Parse(ok).has_value());
  EXPECT_TRUE(DatagramResult::Parse(ok)->status.empty());
  std::string wrong_magic = bytes;
  wrong_magic[0] ^= 1;
  for (const std::string& bad :
       {std::string(), bytes.substr(0, 8), bytes.substr(0, bytes.size() - 1),
        bytes + "x", wrong_magic}) {
    EXPECT_FALSE(DatagramResult::Parse(bad).has_value()) << bad.size();
  }
}

TEST(DatagramMembershipTest, ReadsExactlyOneJoinOrLeave) {
  const std::string join = DatagramMembership::Encode(4, 77, true, "group");
  std::optional<DatagramMembership> read = DatagramMembership::Parse(join);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->socket_id, 4u);
  EXPECT_EQ(read->request_id, 77u);
  EXPECT_TRUE(read->join);
  EXPECT_EQ(read->group, "group");
  ASSERT_TRUE(
      DatagramMembership::Parse(DatagramMembership::Encode(4, 78, false, ""))
          .has_value());
  EXPECT_FALSE(
      DatagramMembership::Parse(DatagramMembership::Encode(4, 78, false, ""))
          ->join);
  std::string odd_op = join;
  odd_op[offsetof(DatagramMembership::Header, join)] = 2;
  std::string wrong_magic = join;
  wrong_magic[0] ^= 1;
  for (const std::string& bad :
       {std::string(), join.substr(0, 8), join.substr(0, join.size() - 1),
        join + "x", wrong_magic, odd_op}) {
    EXPECT_FALSE(DatagramMembership::Parse(bad).has_value()) << bad.size();
  }
}

}  // namespace
}  // namespace common
