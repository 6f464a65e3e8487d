// libFuzzer target: what a hostile renderer writes into its datagram pipe,
// read by the service's real DatagramPipe on a real socket pair and loop.
// Input: messages, each a length byte then that many bytes (a length past
// the input's end takes what is left). Checks, not just "no crash": credit
// send frames, joins and leaves reach only the socket whose number they
// name, exactly as much credit and as many datagrams (each with a
// destination that reads as an address) and memberships as the well-formed
// messages before the first broken one carried (saturating is the sink's
// business); the pipe is closed exactly when a broken message was read; and the
// renderer's own frame parser, given the rest of the input as a frame, delivers
// nothing or datagrams that fit in it.
#include <sys/socket.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/datagram_frame.h"
#include "common/ip_address.h"
#include "network_service/datagram_pipe.h"

namespace {

void Check(bool condition) {
  if (!condition)
    __builtin_trap();
}

struct Sink final : network_service::DatagramPipe::CreditSink,
                    network_service::DatagramPipe::RequestSink {
  void AddCredit(uint32_t count) override { credit += count; }
  void OnPipeSend(uint64_t, direct_sockets::v1::SendDatagrams send) override {
    for (const direct_sockets::v1::Datagram& datagram : send.datagrams()) {
      ++datagrams;
      bytes += datagram.data().size();
      Check(datagram.remote_address().empty() ||
            common::IpAddress::Parse(datagram.remote_address()).has_value());
    }
  }
  void OnPipeMembership(uint64_t,
                        bool join,
                        direct_sockets::v1::MulticastGroup group) override {
    ++(join ? joins : leaves);
    bytes += group.group_address().size();
  }
  uint64_t credit = 0;
  uint64_t datagrams = 0;
  uint64_t joins = 0;
  uint64_t leaves = 0;
  uint64_t bytes = 0;
};

// What a well-formed message carries for sockets 1 and 2; false for a
// broken one.
bool Expect(const std::string& message, Sink* one, Sink* two) {
  if (common::PipeMessageMagic(message) ==
      static_cast<uint32_t>(common::DatagramFrame::Kind::kSend)) {
    common::DatagramFrame::FrameHeader header{};
    uint64_t datagrams = 0, bytes = 0;
    if (!common::DatagramFrame::ForEach(
             message, common::DatagramFrame::Kind::kSend, &header,
             [&](absl::string_view data, const sockaddr*) {
               ++datagrams;
               bytes += data.size();
             })
             .ok()) {
      return false;
    }
    Sink* to = header.socket_id == 1   ? one
               : header.socket_id == 2 ? two
                                       : nullptr;
    if (to != nullptr) {
      to->datagrams += datagrams;
      to->bytes += bytes;
    }
    return true;
  }
  if (common::PipeMessageMagic(message) == common::DatagramMembership::kMagic) {
    std::optional<common::DatagramMembership> membership =
        common::DatagramMembership::Parse(message);
    direct_sockets::v1::MulticastGroup group;
    if (!membership ||
        !group.ParseFromArray(membership->group.data(),
                              static_cast<int>(membership->group.size())) ||
        !group.GetReflection()->GetUnknownFields(group).empty()) {
      return false;
    }
    Sink* to = membership->socket_id == 1   ? one
               : membership->socket_id == 2 ? two
                                            : nullptr;
    if (to != nullptr) {
      ++(membership->join ? to->joins : to->leaves);
      to->bytes += group.group_address().size();
    }
    return true;
  }
  std::optional<common::DatagramCredit> credit =
      common::DatagramCredit::Parse(message);
  if (!credit)
    return false;
  if (credit->socket_id == 1)
    one->credit += credit->count;
  if (credit->socket_id == 2)
    two->credit += credit->count;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> messages;
  size_t at = 0;
  while (at < size && messages.size() < 64) {
    const size_t length = std::min<size_t>(data[at], size - at - 1);
    messages.emplace_back(reinterpret_cast<const char*>(data + at + 1), length);
    at += 1 + length;
  }
  // What the service should make of them, message by message.
  Sink expected_one, expected_two;
  bool expect_closed = false;
  for (const std::string& message : messages) {
    if (!Expect(message, &expected_one, &expected_two)) {
      expect_closed = true;
      break;
    }
  }

  int pair[2];
  Check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair) == 0);
  uv_loop_t loop;
  uv_loop_init(&loop);
  // The pipe does not keep a loop alive (the service's other handles do):
  // this handle stands in for them, so that uv_run polls.
  uv_async_t alive;
  uv_async_init(&loop, &alive, nullptr);
  Sink one, two;
  {
    network_service::DatagramPipe pipe(&loop, pair[0], "isolated-app://fuzz");
    pipe.Register(1, &one);
    pipe.Register(2, &two);
    pipe.RegisterRequests(1, &one);
    pipe.RegisterRequests(2, &two);
    for (const std::string& message : messages)
      send(pair[1], message.data(), message.size(), MSG_NOSIGNAL);
    // Empty messages are real seqpacket messages too; all are queued now,
    // and each turn reads at least a bounded batch of them.
    for (int turn = 0; turn < 8; ++turn)
      uv_run(&loop, UV_RUN_NOWAIT);
    for (const auto& [got, expected] :
         {std::pair<Sink*, Sink*>{&one, &expected_one},
          {&two, &expected_two}}) {
      Check(got->credit == expected->credit);
      Check(got->datagrams == expected->datagrams);
      Check(got->joins == expected->joins);
      Check(got->leaves == expected->leaves);
      Check(got->bytes == expected->bytes);
    }
    Check(pipe.closed() == expect_closed);
    pipe.Close();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&alive), nullptr);
  uv_run(&loop, UV_RUN_NOWAIT);  // The close callbacks.
  close(pair[1]);
  Check(uv_loop_close(&loop) == 0);

  // The renderer's side: the rest of the input as a frame.
  const absl::string_view frame(reinterpret_cast<const char*>(data), size);
  uint32_t socket_id = 0;
  size_t delivered = 0;
  const bool read = common::DatagramFrame::ForEach(
                        frame, &socket_id,
                        [&](absl::string_view bytes, const sockaddr*) {
                          delivered += bytes.size();
                        })
                        .ok();
  Check(read || delivered == 0);
  Check(delivered <= size);
  return 0;
}
