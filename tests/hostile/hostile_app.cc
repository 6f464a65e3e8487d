// A renderer program gone hostile, for a real host_main: it enters the
// renderer sandbox as every hosted renderer does, then floods the channel
// its host gave it ($DSOCK_SERVICE_FD) with raw HTTP/2 frames below gRPC.
//
//   hostile_app continuation   a header block that never ends: HEADERS,
//                              then up to 30,000 CONTINUATION frames of 8 KB
//   hostile_app streams        10,000 streams that never send a message
//   hostile_app pings          100,000 PINGs
//
// Prints "MODE: the service closed the channel after N frames" and exits 0
// when the service cut it off; "MODE: the service took all N frames" and
// exits 1 otherwise.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "renderer/network_service_connection.h"
#include "renderer/sandbox.h"
#include "tests/hostile/raw_http2.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hostile_app continuation|streams|pings\n");
    return 2;
  }
  const std::string mode = argv[1];
  const char* fd_text =
      std::getenv(renderer::NetworkServiceConnection::kServiceFdEnv);
  if (fd_text == nullptr) {
    std::fprintf(stderr, "hostile_app: run me from a host manifest\n");
    return 2;
  }
  absl::Status sandboxed = renderer::EnterSandboxIfHosted();
  if (!sandboxed.ok()) {
    std::printf("sandbox: %s\n", sandboxed.ToString().c_str());
    return 1;
  }
  tests::RawHttp2Connection channel(std::atoi(fd_text));
  using Frames = tests::RawHttp2Connection;
  int sent = 0, total = 0;
  bool open = channel.Handshake();
  if (mode == "continuation") {
    total = 30000;
    open = open && channel.SendFrame(Frames::kHeaders, 0, 1,
                                     Frames::OpenUDPSocketHeaders());
    const std::string field =
        Frames::HpackLiteral("x-flood", std::string(8000, 'c'));
    for (; open && sent < total; ++sent)
      open = channel.SendFrame(Frames::kContinuation, 0, 1, field);
  } else if (mode == "streams") {
    total = 10000;
    const std::string headers = Frames::OpenUDPSocketHeaders();
    for (; open && sent < total; ++sent) {
      open = channel.SendFrame(Frames::kHeaders, Frames::kEndHeaders,
                               static_cast<uint32_t>(2 * sent + 1), headers);
    }
  } else if (mode == "pings") {
    total = 100000;
    for (; open && sent < total; ++sent)
      open = channel.SendFrame(Frames::kPing, 0, 0, "12345678");
  } else {
    std::fprintf(stderr, "hostile_app: unknown mode %s\n", mode.c_str());
    return 2;
  }
  // Whatever was written, the service has read it or closed the channel.
  channel.Sync();
  if (channel.closed_by_service()) {
    std::printf("%s: the service closed the channel after %d frames\n",
                mode.c_str(), sent);
    return 0;
  }
  std::printf("%s: the service took all %d frames\n", mode.c_str(), sent);
  return 1;
}
