// The readable's credit accounting and the writable's batching, against
// fakes that complete on demand (no network, no loop).
#include <gtest/gtest.h>

#include <vector>

#include "renderer/udp_readable_stream.h"
#include "renderer/udp_writable_stream.h"

namespace renderer {
namespace {

namespace v1 = ::direct_sockets::v1;

class FakeSource : public UDPReadableStream::Source {
 public:
  void ReceiveMore(uint32_t count) override { credit += count; }
  void OnReadableClosed() override { closed = true; }
  uint32_t credit = 0;
  bool closed = false;
};

class FakeSink : public UDPWritableStream::Sink {
 public:
  uint64_t SendBatch(v1::SendDatagrams batch) override {
    batches.push_back(std::move(batch));
    return ++last_id;
  }
  void OnWritableClosed() override { closed = true; }
  std::vector<v1::SendDatagrams> batches;
  uint64_t last_id = 0;
  bool closed = false;
};

UDPMessage Message(uint8_t byte) {
  UDPMessage message;
  message.data = {byte};
  return message;
}

TEST(UDPReadableStreamTest, CreditNeverExceedsTheHighWaterMark) {
  FakeSource source;
  UDPReadableStream readable(&source);
  readable.Start();
  EXPECT_EQ(source.credit, uint32_t{UDPReadableStream::kHighWaterMark});
  // The service delivers all it may; nobody reads: no more credit.
  for (int i = 0; i < UDPReadableStream::kHighWaterMark; ++i) {
    readable.Enqueue(Message(static_cast<uint8_t>(i)));
  }
  EXPECT_EQ(source.credit, uint32_t{UDPReadableStream::kHighWaterMark});
  EXPECT_EQ(readable.queued(), size_t{UDPReadableStream::kHighWaterMark});
  // Reading a quarter of the queue tops credit up by that quarter.
  for (int i = 0; i < UDPReadableStream::kHighWaterMark / 4; ++i) {
    auto read = readable.Read();
    ASSERT_TRUE(read.is_fulfilled());
    EXPECT_EQ(read.value().value->data[0], i);
  }
  EXPECT_EQ(source.credit, uint32_t{UDPReadableStream::kHighWaterMark +
                                    UDPReadableStream::kHighWaterMark / 4});
}

TEST(UDPReadableStreamTest, PendingReadsSettleOnDataErrorAndCancel) {
  FakeSource source;
  UDPReadableStream readable(&source);
  readable.Start();
  auto first = readable.Read();
  EXPECT_FALSE(first.is_settled());
  readable.Enqueue(Message(1));
  ASSERT_TRUE(first.is_fulfilled());
  auto second = readable.Read();
  readable.Error(ScriptError::DomException("NetworkError", "gone"));
  ASSERT_TRUE(second.is_rejected());
  EXPECT_EQ(second.error().name(), "NetworkError");
  EXPECT_EQ(readable.Read().error().name(), "NetworkError");

  UDPReadableStream other(&source);
  other.Start();
  auto waiting = other.Read();
  other.Cancel();
  ASSERT_TRUE(waiting.is_fulfilled());
  EXPECT_TRUE(waiting.value().done);
  EXPECT_TRUE(source.closed);
}

TEST(UDPWritableStreamTest, BatchesWritesMadeWhileABatchIsOnItsWay) {
  FakeSink sink;
  UDPWritableStream writable(&sink, /*connected=*/true);
  auto first = writable.Write(Message(1));
  auto second = writable.Write(Message(1));
  ASSERT_EQ(sink.batches.size(), 2u);  // Sent at once, two may be in flight.
  std::vector<Promise<Undefined>> later;
  for (int i = 0; i < 10; ++i)
    later.push_back(writable.Write(Message(2)));
  EXPECT_EQ(sink.batches.size(), 2u);  // Waiting for a result.
  writable.OnSendResult(1, absl::OkStatus());
  EXPECT_TRUE(first.is_fulfilled());
  EXPECT_FALSE(second.is_settled());
  ASSERT_EQ(sink.batches.size(), 3u);
  EXPECT_EQ(sink.batches[2].datagrams_size(), 10);
  writable.OnSendResult(2, absl::OkStatus());
  writable.OnSendResult(3, absl::OkStatus());
  EXPECT_TRUE(second.is_fulfilled());
  for (auto& write : later)
    EXPECT_TRUE(write.is_fulfilled());
}

TEST(UDPWritableStreamTest, AFailedSendErrorsTheStream) {
  FakeSink sink;
  UDPWritableStream writable(&sink, true);
  auto write = writable.Write(Message(1));
  writable.OnSendResult(1, absl::UnavailableError("sending: refused"));
  ASSERT_TRUE(write.is_rejected());
  EXPECT_EQ(write.error().name(), "NetworkError");
  EXPECT_TRUE(writable.is_errored());
  EXPECT_EQ(writable.Write(Message(2)).error().name(), "NetworkError");
  EXPECT_TRUE(sink.closed);
}

TEST(UDPWritableStreamTest, BadMessagesRejectWithoutErroringTheStream) {
  FakeSink sink;
  UDPWritableStream writable(&sink, /*connected=*/false);
  auto write = writable.Write(Message(1));  // No address in bound mode.
  ASSERT_TRUE(write.is_rejected());
  EXPECT_EQ(write.error().name(), "TypeError");
  EXPECT_FALSE(writable.is_errored());
  EXPECT_TRUE(sink.batches.empty());
}

TEST(UDPWritableStreamTest, CloseWaitsForQueuedWrites) {
  FakeSink sink;
  UDPWritableStream writable(&sink, true);
  writable.Write(Message(1));
  auto closed = writable.Close();
  EXPECT_FALSE(closed.is_settled());
  EXPECT_FALSE(sink.closed);
  writable.OnSendResult(1, absl::OkStatus());
  EXPECT_TRUE(closed.is_fulfilled());
  EXPECT_TRUE(sink.closed);
}

TEST(UDPWritableStreamTest, ReadyFollowsTheHighWaterMark) {
  FakeSink sink;
  UDPWritableStream writable(&sink, true);
  for (int i = 0; i < UDPWritableStream::kHighWaterMark; ++i) {
    writable.Write(Message(1));
  }
  EXPECT_EQ(writable.desired_size(), 0);
  auto ready = writable.Ready();
  EXPECT_FALSE(ready.is_settled());
  writable.OnSendResult(1, absl::OkStatus());
  EXPECT_TRUE(ready.is_fulfilled());
  EXPECT_GT(writable.desired_size(), 0);
}

}  // namespace
}  // namespace renderer
