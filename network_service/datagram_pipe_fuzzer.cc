// libFuzzer target: what a hostile renderer writes into its datagram pipe,
// read by the service's real DatagramPipe on a real socket pair and loop.
// Input: messages, each a length byte then that many bytes (a length past
// the input's end takes what is left). Checks, not just "no crash": credit
// reaches only the socket whose number it names, exactly as much as the
// well-formed messages before the first broken one carried (saturating is
// the sink's business); the pipe is closed exactly when a broken message
// was read; and the renderer's own frame parser, given the rest of the
// input as a frame, delivers nothing or datagrams that fit in it.
#include <sys/socket.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/datagram_frame.h"
#include "network_service/datagram_pipe.h"

namespace {

void Check(bool condition) {
  if (!condition)
    __builtin_trap();
}

struct Sink final : network_service::DatagramPipe::CreditSink {
  void AddCredit(uint32_t count) override { credit += count; }
  uint64_t credit = 0;
};

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
  uint64_t expected_one = 0, expected_two = 0;
  bool expect_closed = false;
  for (const std::string& message : messages) {
    std::optional<common::DatagramCredit> credit =
        common::DatagramCredit::Parse(message);
    if (!credit) {
      expect_closed = true;
      break;
    }
    if (credit->socket_id == 1)
      expected_one += credit->count;
    if (credit->socket_id == 2)
      expected_two += credit->count;
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
    for (const std::string& message : messages)
      send(pair[1], message.data(), message.size(), MSG_NOSIGNAL);
    // Empty messages are real seqpacket messages too; all are queued now.
    for (int turn = 0; turn < 4; ++turn)
      uv_run(&loop, UV_RUN_NOWAIT);
    Check(one.credit == expected_one);
    Check(two.credit == expected_two);
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
