// A renderer program for host tests: it uses the channel its host gave it
// ($DSOCK_SERVICE_FD) and reports, one line each, what the service allowed.
//
//   app_probe limits   open bound sockets until the service refuses one;
//                      prints "opened N; then ERROR"
//   app_probe lie      send an open request carrying an extra field that
//                      claims another origin; prints how the service answered
//   app_probe wait     open one socket, print "ready PORT", then wait to be
//                      killed
//   app_probe sandbox PORT   after entering the renderer sandbox, try to
//                      make sockets of its own (prints each errno), then
//                      send "from the sandbox" to 127.0.0.1:PORT through the
//                      service
//   app_probe churn SECONDS X   for SECONDS: open a socket on 0.0.0.0, join
//                      239.10.X.1 and 239.10.X.2, send one datagram to the
//                      first, then close it (every third one is dropped
//                      without close); prints "churned N"
//   app_probe reconnect PORT   open a socket, print "ready PORT", wait
//                      until it fails (the service died), wait for the
//                      host's new service channel, then send "after
//                      restart" to 127.0.0.1:PORT on a new socket
//   app_probe join GROUP   open a socket on 0.0.0.0, join GROUP, print
//                      "joined PORT", then wait to be killed
//   app_probe perms    report what the app's permissions allow: a socket
//                      with multicast options, a bound socket (and whether
//                      it has a controller), a connected one, and a raw
//                      open with multicast options that skips the checks
// Every mode enters the renderer sandbox first, as a hosted renderer does.
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/event_loop.h"
#include "proto/udp_socket.grpc.pb.h"
#include "renderer/network_service_connection.h"
#include "renderer/sandbox.h"
#include "renderer/udp_socket.h"

// Defined below main()'s helpers, used by Sandbox().
int SendOnNewSocket(common::EventLoop& loop,
                    renderer::NetworkServiceConnection& c,
                    int port,
                    const std::string& text,
                    const char* label);

namespace {

namespace v1 = ::direct_sockets::v1;

int Limits(common::EventLoop& loop, renderer::NetworkServiceConnection& c) {
  std::vector<std::shared_ptr<renderer::UDPSocket>> sockets;
  renderer::UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  for (int i = 0; i < 1000; ++i) {
    auto socket = renderer::UDPSocket::Create(&c, options);
    if (!socket.ok())
      return 1;
    auto opened = socket.value()->opened();
    loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_settled())
      return 1;
    if (opened.is_rejected()) {
      std::printf("opened %zu; then %s\n", sockets.size(),
                  opened.error().ToString().c_str());
      return 0;
    }
    sockets.push_back(socket.value());
  }
  std::printf("opened %zu; never refused\n", sockets.size());
  return 0;
}

int Lie(renderer::NetworkServiceConnection& c) {
  grpc::ClientContext context;
  // Metadata is no way to claim an origin either: the service ignores it.
  context.AddMetadata("origin", "isolated-app://evil");
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto stream = c.stub()->OpenUDPSocket(&context);
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_bound()->set_local_address("127.0.0.1");
  // Field 99, a string naming another app: unknown to the interface.
  std::string wire = open.SerializeAsString();
  const std::string claim = "isolated-app://evil";
  // The tag of field 99, wire type 2 (length-delimited), as a varint.
  constexpr int kTag = (99 << 3) | 2;
  wire.push_back(static_cast<char>((kTag & 0x7f) | 0x80));
  wire.push_back(static_cast<char>(kTag >> 7));
  wire.push_back(static_cast<char>(claim.size()));
  wire += claim;
  open.ParseFromString(wire);
  stream->Write(open);
  v1::UDPSocketEvent event;
  const bool opened = stream->Read(&event) && event.has_opened();
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  std::printf("lie: %s %d %s\n", opened ? "opened" : "refused",
              static_cast<int>(status.error_code()),
              status.error_message().c_str());
  return 0;
}

}  // namespace

int Sandbox(common::EventLoop& loop,
            renderer::NetworkServiceConnection& c,
            int port) {
  for (const auto& [name, family] :
       {std::pair<const char*, int>{"AF_INET", AF_INET},
        {"AF_INET6", AF_INET6},
        {"AF_PACKET", AF_PACKET},
        {"AF_NETLINK", AF_NETLINK},
        {"AF_UNIX", AF_UNIX}}) {
    const int fd = socket(family, SOCK_DGRAM, 0);
    std::printf("socket(%s): %s\n", name,
                fd >= 0 ? "CREATED" : std::strerror(errno));
  }
  return SendOnNewSocket(loop, c, port, "from the sandbox", "UDPSocket write");
}

int Churn(common::EventLoop& loop,
          renderer::NetworkServiceConnection& c,
          int seconds,
          const std::string& x) {
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  const std::string groups[] = {"239.10." + x + ".1", "239.10." + x + ".2"};
  int cycles = 0;
  while (absl::Now() < end) {
    renderer::UDPSocketOptions options;
    options.localAddress = "0.0.0.0";
    auto socket = renderer::UDPSocket::Create(&c, options);
    auto opened = socket.value()->opened();
    loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_fulfilled()) {
      std::printf("churn: open: %s\n", opened.is_settled()
                                           ? opened.error().ToString().c_str()
                                           : "timed out");
      return 1;
    }
    const auto& info = opened.value();
    for (const std::string& group : groups) {
      auto joined = info.multicastController->joinGroup(group);
      loop.RunUntil([&] { return joined.is_settled(); }, absl::Seconds(10));
      if (!joined.is_fulfilled()) {
        std::printf("churn: join %s: %s\n", group.c_str(),
                    joined.is_settled() ? joined.error().ToString().c_str()
                                        : "timed out");
        return 1;
      }
    }
    renderer::UDPMessage message;
    message.data = {'c'};
    message.remoteAddress = groups[0];
    message.remotePort = info.localPort;
    auto written = info.writable->Write(message);
    loop.RunUntil([&] { return written.is_settled(); }, absl::Seconds(10));
    if (cycles % 3 != 2) {
      auto closed = socket.value()->close();
      loop.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(10));
    }
    // Otherwise the socket is just dropped: its stream is cancelled.
    ++cycles;
  }
  std::printf("churned %d\n", cycles);
  return 0;
}

// Opens a connected socket to 127.0.0.1:port and sends `text`; prints the
// outcome after `label`.
int SendOnNewSocket(common::EventLoop& loop,
                    renderer::NetworkServiceConnection& c,
                    int port,
                    const std::string& text,
                    const char* label) {
  renderer::UDPSocketOptions options;
  options.remoteAddress = "127.0.0.1";
  options.remotePort = port;
  auto socket = renderer::UDPSocket::Create(&c, options);
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
  if (!opened.is_fulfilled()) {
    std::printf(
        "%s: %s\n", label,
        opened.is_settled() ? opened.error().ToString().c_str() : "timed out");
    return 1;
  }
  renderer::UDPMessage message;
  message.data.assign(text.begin(), text.end());
  auto written = opened.value().writable->Write(message);
  loop.RunUntil([&] { return written.is_settled(); }, absl::Seconds(10));
  std::printf("%s: %s\n", label, written.is_fulfilled() ? "sent" : "failed");
  return written.is_fulfilled() ? 0 : 1;
}

int Reconnect(common::EventLoop& loop,
              renderer::NetworkServiceConnection& c,
              int port) {
  renderer::UDPSocketOptions options;
  options.localAddress = "127.0.0.1";
  auto socket = renderer::UDPSocket::Create(&c, options);
  auto opened = socket.value()->opened();
  loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
  if (!opened.is_fulfilled())
    return 1;
  std::printf("ready %d\n", opened.value().localPort);
  std::fflush(stdout);
  auto closed = socket.value()->closed();
  loop.RunUntil([&] { return closed.is_settled(); }, absl::Seconds(30));
  std::printf("closed: %s\n", closed.is_rejected()
                                  ? closed.error().ToString().c_str()
                                  : "not as expected");
  const int generation = c.generation();
  loop.RunUntil([&] { return c.generation() != generation; },
                absl::Seconds(10));
  return SendOnNewSocket(loop, c, port, "after restart", "reopened");
}

int Perms(common::EventLoop& loop, renderer::NetworkServiceConnection& c) {
  auto describe = [&](const char* label,
                      const renderer::UDPSocketOptions& options) {
    auto socket = renderer::UDPSocket::Create(&c, options);
    if (!socket.ok()) {
      std::printf("%s: throws %s\n", label, socket.error().ToString().c_str());
      return;
    }
    auto opened = socket.value()->opened();
    loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_fulfilled()) {
      std::printf("%s: rejects %s\n", label,
                  opened.is_settled() ? opened.error().ToString().c_str()
                                      : "timed out");
      return;
    }
    std::printf("%s: opened, controller %s\n", label,
                opened.value().multicastController ? "present" : "absent");
  };
  renderer::UDPSocketOptions ttl;
  ttl.remoteAddress = "127.0.0.1";
  ttl.remotePort = 9;
  ttl.multicastTimeToLive = 2;
  describe("multicast options", ttl);
  renderer::UDPSocketOptions bound;
  bound.localAddress = "127.0.0.1";
  describe("bound", bound);
  renderer::UDPSocketOptions connected;
  connected.remoteAddress = "127.0.0.1";
  connected.remotePort = 9;
  describe("connected", connected);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto stream = c.stub()->OpenUDPSocket(&context);
  v1::UDPSocketRequest open;
  open.set_request_id(1);
  open.mutable_open()->mutable_connected()->set_remote_address("127.0.0.1");
  open.mutable_open()->mutable_connected()->set_remote_port(9);
  open.mutable_open()->set_multicast_time_to_live(2);
  stream->Write(open);
  v1::UDPSocketEvent event;
  const bool opened = stream->Read(&event) && event.has_opened();
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  std::printf("raw multicast open: %s %d %s\n", opened ? "opened" : "refused",
              static_cast<int>(status.error_code()),
              status.error_message().c_str());
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: app_probe limits|lie|wait|sandbox PORT\n");
    return 2;
  }
  absl::Status sandboxed = renderer::EnterSandboxIfHosted();
  if (!sandboxed.ok()) {
    std::printf("sandbox: %s\n", sandboxed.ToString().c_str());
    return 1;
  }
  common::EventLoop loop;
  auto connection = renderer::NetworkServiceConnection::Connect(&loop, "");
  int status = 2;
  if (std::strcmp(argv[1], "perms") == 0) {
    status = Perms(loop, *connection);
  } else if (std::strcmp(argv[1], "join") == 0 && argc == 3) {
    renderer::UDPSocketOptions options;
    options.localAddress = "0.0.0.0";
    auto socket = renderer::UDPSocket::Create(connection.get(), options);
    auto opened = socket.value()->opened();
    loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_fulfilled())
      return 1;
    auto joined = opened.value().multicastController->joinGroup(argv[2]);
    loop.RunUntil([&] { return joined.is_settled(); }, absl::Seconds(10));
    if (!joined.is_fulfilled())
      return 1;
    std::printf("joined %d\n", opened.value().localPort);
    std::fflush(stdout);
    loop.RunUntil([] { return false; }, absl::InfiniteDuration());
    return 0;
  } else if (std::strcmp(argv[1], "reconnect") == 0 && argc == 3) {
    status = Reconnect(loop, *connection, std::atoi(argv[2]));
  } else if (std::strcmp(argv[1], "churn") == 0 && argc == 4) {
    status = Churn(loop, *connection, std::atoi(argv[2]), argv[3]);
  } else if (std::strcmp(argv[1], "sandbox") == 0 && argc == 3) {
    status = Sandbox(loop, *connection, std::atoi(argv[2]));
  } else if (std::strcmp(argv[1], "limits") == 0) {
    status = Limits(loop, *connection);
  } else if (std::strcmp(argv[1], "lie") == 0) {
    status = Lie(*connection);
  } else if (std::strcmp(argv[1], "wait") == 0) {
    renderer::UDPSocketOptions options;
    options.localAddress = "127.0.0.1";
    auto socket = renderer::UDPSocket::Create(connection.get(), options);
    auto opened = socket.value()->opened();
    loop.RunUntil([&] { return opened.is_settled(); }, absl::Seconds(10));
    if (!opened.is_fulfilled()) {
      std::printf("open failed: %s\n", opened.is_settled()
                                           ? opened.error().ToString().c_str()
                                           : "timed out");
      return 1;
    }
    std::printf("ready %d\n", opened.value().localPort);
    std::fflush(stdout);
    // Until killed, or until the service goes away.
    loop.RunUntil([&] { return socket.value()->closed().is_settled(); },
                  absl::InfiniteDuration());
    std::printf("closed: %s\n",
                socket.value()->closed().is_rejected()
                    ? socket.value()->closed().error().ToString().c_str()
                    : "ok");
    return 0;
  }
  std::fflush(stdout);
  return status;
}
