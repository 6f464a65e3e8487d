// The renderer's end of the datagram pipe: what the service writes there
// (received datagrams, results of sends) reaches the socket it names, in
// the order written, and what the renderer writes (credit, send frames)
// goes whole.
#include "renderer/datagram_pipe_reader.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/datagram_frame.h"
#include "common/datagram_frame_testing.h"
#include "common/event_loop.h"
#include "gtest/gtest.h"

namespace renderer {
namespace {

struct RecordingSink final : DatagramPipeReader::Sink {
  void OnPipeDatagram(absl::string_view data, const sockaddr*) override {
    seen.push_back(absl::StrCat("datagram ", data));
  }
  void OnPipeResult(uint64_t request_id, absl::string_view status) override {
    seen.push_back(absl::StrCat("result ", request_id, " ", status.size()));
  }
  std::vector<std::string> seen;
};

class DatagramPipeReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair), 0);
    reader_ = DatagramPipeReader::Start(&loop_, pair[0]);
    service_end_ = pair[1];
    reader_->Register(3, &sink_);
  }
  void TearDown() override {
    reader_.reset();
    close(service_end_);
  }
  void ServiceWrites(const std::string& message) {
    ASSERT_EQ(send(service_end_, message.data(), message.size(), 0),
              static_cast<ssize_t>(message.size()));
  }

  common::EventLoop loop_;
  std::shared_ptr<DatagramPipeReader> reader_;
  int service_end_ = -1;
  RecordingSink sink_;
};

TEST_F(DatagramPipeReaderTest, DatagramsAndResultsComeInTheOrderWritten) {
  common::DatagramFrame frame;
  frame.Begin(3);
  frame.Add("one", nullptr);
  ServiceWrites(std::string(frame.bytes()));
  ServiceWrites(common::DatagramResult::Encode(3, 9, ""));
  frame.Begin(3);
  frame.Add("two", nullptr);
  ServiceWrites(std::string(frame.bytes()));
  ServiceWrites(common::DatagramResult::Encode(4, 10, ""));  // Not ours.
  ServiceWrites(common::DatagramResult::Encode(3, 11, "xy"));
  reader_->Drain();
  EXPECT_EQ(sink_.seen,
            (std::vector<std::string>{"datagram one", "result 9 0",
                                      "datagram two", "result 11 2"}));
  EXPECT_EQ(reader_->malformed_frames(), 0u);
  ServiceWrites("garbage");
  reader_->Drain();
  EXPECT_EQ(reader_->malformed_frames(), 1u);
}

TEST_F(DatagramPipeReaderTest, CreditAndSendFramesGoWhole) {
  ASSERT_TRUE(reader_->SendCredit(3, 128));
  const std::string frame =
      common::SendFrameBytes(3, 5, {{"hello", "239.1.2.3", 5004}});
  ASSERT_TRUE(reader_->SendMessage(frame));
  std::string message(common::DatagramFrame::kMaxBytes, '\0');
  ssize_t got = recv(service_end_, message.data(), message.size(), 0);
  ASSERT_EQ(got, static_cast<ssize_t>(sizeof(common::DatagramCredit)));
  std::optional<common::DatagramCredit> credit = common::DatagramCredit::Parse(
      absl::string_view(message.data(), static_cast<size_t>(got)));
  ASSERT_TRUE(credit.has_value());
  EXPECT_EQ(credit->count, 128u);
  got = recv(service_end_, message.data(), message.size(), 0);
  EXPECT_EQ(absl::string_view(message.data(), static_cast<size_t>(got)), frame);
  // A frame larger than the pipe's buffer is refused whole, not cut.
  const std::string huge(8 << 20, 'x');
  EXPECT_FALSE(reader_->SendMessage(huge));
}

}  // namespace
}  // namespace renderer
