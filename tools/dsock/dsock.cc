// dsock: the command-line face of the renderer library, for people and for
// tests. Every socket it opens goes through the network service, as a page's
// would; it never touches the network itself.
//
//   dsock send --group G --port P [--ttl N] [--no-loopback] [--count N]
//              [--interval-ms T] --message TEXT
//   dsock recv --group G [--source S] --port P [--share] [--count N]
//              [--timeout-ms T]
//   dsock policy validate DIR
//   dsock policy explain --policy-dir DIR --origin O --join G [--source S]
//              --port P   (or --send G, or --open)
//   dsock run [--policy-dir DIR] [--origin isolated-app://ID]
//             [--permissions LIST] APP.mjs
//   dsock SUBCOMMAND --help
//
// It finds the network service as every renderer does: the channel its host
// gave it ($DSOCK_SERVICE_FD), else --service-socket, else
// $DSOCK_NETWORK_SERVICE_SOCKET, else /run/dsock/network.sock.
// Exit status: 0 done, 1 failed or timed out, 2 usage error.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "common/socket_membership.h"
#include "policy/policy.h"
#include "policy/policy_loader.h"
#include "renderer/multicast_controller.h"
#include "renderer/network_service_connection.h"
#include "renderer/sandbox.h"
#include "renderer/udp_socket.h"
#include "tools/dsock/command_line.h"
#include "tools/dsock/run_command.h"

ABSL_FLAG(std::string, group, "", "Multicast group address (IPv4 or IPv6).");
ABSL_FLAG(std::string,
          source,
          "",
          "Source address: join source-specific (SSM) instead of any-source.");
ABSL_FLAG(int, port, 0, "UDP port of the group.");
ABSL_FLAG(int, ttl, 1, "multicastTimeToLive: hops a datagram may take.");
ABSL_FLAG(bool,
          loopback,
          true,
          "multicastLoopback; --no-loopback keeps datagrams off this host.");
ABSL_FLAG(bool,
          no_loopback,
          false,
          "Turn multicastLoopback off (same as --loopback=false).");
ABSL_FLAG(int, count, 1, "How many datagrams to send, or to wait for.");
ABSL_FLAG(int, interval_ms, 0, "Pause between datagrams sent.");
ABSL_FLAG(std::string, message, "", "Text of each datagram.");
ABSL_FLAG(bool,
          share,
          false,
          "multicastAllowAddressSharing: let other sockets bind the port.");
ABSL_FLAG(int, timeout_ms, 5000, "Give up after this long.");
ABSL_FLAG(std::string,
          policy_dir,
          "/etc/dsock/policies/managed",
          "The managed policy directory.");
constexpr char kDefaultPolicyDir[] = "/etc/dsock/policies/managed";
ABSL_FLAG(std::string, origin, "", "The isolated app asking.");
ABSL_FLAG(std::string, join, "", "Explain a join of this group.");
ABSL_FLAG(std::string, send, "", "Explain a send to this group.");
ABSL_FLAG(bool, open, false, "Explain the open of a multicast socket.");
ABSL_FLAG(bool,
          unsafe_development_mode,
          false,
          "run: the network service enforces no policy at all (every app may "
          "use multicast). For development only; not with --policy-dir.");
ABSL_FLAG(std::string,
          permissions,
          "direct-sockets,direct-sockets-multicast,local-network,"
          "loopback-network",
          "run: the app's permissions-policy features, comma-separated (as "
          "its manifest's \"permissions\").");
ABSL_FLAG(std::string,
          network_service,
          "",
          "run: the network_service program (default: the one built next to "
          "dsock).");
ABSL_FLAG(std::string,
          renderer,
          "",
          "run: the js_renderer program (default: the one built next to "
          "dsock).");
ABSL_FLAG(std::string,
          service_socket,
          "",
          "The network service's Unix socket (default: "
          "$DSOCK_NETWORK_SERVICE_SOCKET, else /run/dsock/network.sock).");

namespace {

using renderer::Promise;
using renderer::ReadResult;
using renderer::ScriptError;
using renderer::UDPMessage;
using renderer::UDPSocket;
using renderer::UDPSocketOptions;
using renderer::Undefined;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

int UsageError(const std::string& command, const std::string& why) {
  std::fprintf(stderr, "dsock %s: %s (see dsock %s --help)\n", command.c_str(),
               why.c_str(), command.c_str());
  return kUsage;
}

int Fail(const std::string& command, const std::string& why) {
  std::fprintf(stderr, "dsock %s: %s\n", command.c_str(), why.c_str());
  return kFailed;
}

// The checks both subcommands share; returns an error text or "".
std::string CheckGroupAndPort() {
  if (absl::GetFlag(FLAGS_group).empty())
    return "--group is required";
  const int port = absl::GetFlag(FLAGS_port);
  if (port < 1 || port > 65535)
    return "--port must be 1..65535";
  if (absl::GetFlag(FLAGS_count) < 1)
    return "--count must be at least 1";
  return "";
}

// A renderer: the loop and the connection every socket goes through.
struct Renderer {
  Renderer()
      : connection_owner(renderer::NetworkServiceConnection::Connect(
            &loop,
            absl::GetFlag(FLAGS_service_socket))),
        connection(*connection_owner) {}

  // Runs the loop until `promise` settles or the deadline passes.
  template <typename T>
  bool Wait(const Promise<T>& promise, absl::Time deadline) {
    return loop.RunUntil([&] { return promise.is_settled(); },
                         deadline - absl::Now());
  }

  common::EventLoop loop;
  std::unique_ptr<renderer::NetworkServiceConnection> connection_owner;
  renderer::NetworkServiceConnection& connection;
};

// "10.0.0.1:5000" or "[fd00::1]:5000".
std::string HostPort(const std::string& address, int port) {
  if (address.find(':') != std::string::npos)
    return absl::StrCat("[", address, "]:", port);
  return absl::StrCat(address, ":", port);
}

std::string Describe(const Promise<renderer::UDPSocketOpenInfo>& opened) {
  return opened.is_settled() ? opened.error().ToString() : "timed out";
}

int Send(const std::string& command) {
  if (std::string why = CheckGroupAndPort(); !why.empty())
    return UsageError(command, why);
  if (absl::GetFlag(FLAGS_ttl) < 0 || absl::GetFlag(FLAGS_ttl) > 255)
    return UsageError(command, "--ttl must be 0..255");
  if (absl::GetFlag(FLAGS_interval_ms) < 0)
    return UsageError(command, "--interval-ms must not be negative");
  const std::string message = absl::GetFlag(FLAGS_message);
  Renderer renderer;
  UDPSocketOptions options;
  options.remoteAddress = absl::GetFlag(FLAGS_group);
  options.remotePort = absl::GetFlag(FLAGS_port);
  options.multicastTimeToLive = absl::GetFlag(FLAGS_ttl);
  options.multicastLoopback =
      absl::GetFlag(FLAGS_loopback) && !absl::GetFlag(FLAGS_no_loopback);
  auto socket = UDPSocket::Create(&renderer.connection, options);
  if (!socket.ok())
    return UsageError(command, socket.error().ToString());
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms)) +
      absl::Milliseconds(int64_t{absl::GetFlag(FLAGS_interval_ms)} *
                         absl::GetFlag(FLAGS_count));
  auto opened = socket.value()->opened();
  renderer.Wait(opened, deadline);
  if (!opened.is_fulfilled())
    return Fail(command, "opening the socket: " + Describe(opened));
  const auto& info = opened.value();
  for (int i = 0; i < absl::GetFlag(FLAGS_count); ++i) {
    if (i > 0 && absl::GetFlag(FLAGS_interval_ms) > 0) {
      renderer.loop.RunUntil(
          [] { return false; },
          absl::Milliseconds(absl::GetFlag(FLAGS_interval_ms)));
    }
    UDPMessage datagram;
    datagram.data.assign(message.begin(), message.end());
    auto written = info.writable->Write(std::move(datagram));
    renderer.Wait(written, deadline);
    if (!written.is_fulfilled()) {
      return Fail(command, written.is_settled() ? written.error().ToString()
                                                : "timed out writing");
    }
    std::printf("sent to %s %zu %s\n",
                HostPort(*info.remoteAddress, *info.remotePort).c_str(),
                message.size(), message.c_str());
    std::fflush(stdout);
  }
  auto closed = socket.value()->close();
  renderer.Wait(closed, deadline);
  return kOk;
}

int Recv(const std::string& command) {
  if (std::string why = CheckGroupAndPort(); !why.empty())
    return UsageError(command, why);
  const std::string group = absl::GetFlag(FLAGS_group);
  std::optional<common::IpAddress> group_ip = common::IpAddress::Parse(group);
  if (!group_ip)
    return UsageError(command, "--group must be an IP address");
  Renderer renderer;
  UDPSocketOptions options;
  // The explainer's receivers bind the wildcard of the group's version.
  options.localAddress = group_ip->is_ipv6() ? "::" : "0.0.0.0";
  options.localPort = absl::GetFlag(FLAGS_port);
  if (absl::GetFlag(FLAGS_share))
    options.multicastAllowAddressSharing = true;
  auto socket = UDPSocket::Create(&renderer.connection, options);
  if (!socket.ok())
    return UsageError(command, socket.error().ToString());
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));
  auto opened = socket.value()->opened();
  renderer.Wait(opened, deadline);
  if (!opened.is_fulfilled())
    return Fail(command, "opening the socket: " + Describe(opened));
  const auto& info = opened.value();
  renderer::MulticastGroupOptions group_options;
  if (!absl::GetFlag(FLAGS_source).empty())
    group_options.sourceAddress = absl::GetFlag(FLAGS_source);
  auto joined = info.multicastController->joinGroup(group, group_options);
  renderer.Wait(joined, deadline);
  if (!joined.is_fulfilled()) {
    if (joined.is_settled() && joined.error().is_type_error())
      return UsageError(command, joined.error().ToString());
    return Fail(command,
                "joining: " + (joined.is_settled() ? joined.error().ToString()
                                                   : std::string("timed out")));
  }
  std::printf("joined %s%s on port %d\n", group.c_str(),
              group_options.sourceAddress
                  ? (" from " + *group_options.sourceAddress).c_str()
                  : "",
              info.localPort);
  std::fflush(stdout);
  int received = 0;
  const int count = absl::GetFlag(FLAGS_count);
  while (received < count) {
    auto read = info.readable->Read();
    renderer.Wait(read, deadline);
    if (!read.is_settled()) {
      return Fail(command, absl::StrCat("timed out: ", received, " of ", count,
                                        " datagrams arrived"));
    }
    if (read.is_rejected())
      return Fail(command, read.error().ToString());
    if (read.value().done)
      return Fail(command, "the socket closed");
    const UDPMessage& message = *read.value().value;
    const std::string text(message.data.begin(), message.data.end());
    std::printf(
        "from %s %zu %s\n",
        HostPort(*message.remoteAddress, static_cast<int>(*message.remotePort))
            .c_str(),
        message.data.size(), text.c_str());
    std::fflush(stdout);
    ++received;
  }
  auto closed = socket.value()->close();
  renderer.Wait(closed, absl::Now() + absl::Seconds(5));
  return kOk;
}

// dsock policy validate DIR | dsock policy explain ...
int Policy(const std::string& command,
           const std::vector<std::string>& positional) {
  if (positional.empty())
    return UsageError(command, "say validate DIR or explain");
  if (positional[0] == "validate") {
    if (positional.size() != 2)
      return UsageError(command, "validate takes one directory");
    std::vector<std::string> errors;
    policy::Policy loaded = policy::LoadPolicyDirectory(positional[1], &errors);
    for (const std::string& error : errors)
      std::printf("%s/%s\n", positional[1].c_str(), error.c_str());
    if (!errors.empty())
      return kFailed;
    std::printf("%s: valid (%s)\n", positional[1].c_str(),
                loaded.managed() ? "managed device"
                                 : "no policy files: an unmanaged device");
    return kOk;
  }
  if (positional[0] != "explain" || positional.size() != 1)
    return UsageError(command, "say validate DIR or explain");
  const std::string origin = absl::GetFlag(FLAGS_origin);
  if (origin.empty())
    return UsageError(command, "--origin is required");
  const int actions = !absl::GetFlag(FLAGS_join).empty() +
                      !absl::GetFlag(FLAGS_send).empty() +
                      absl::GetFlag(FLAGS_open);
  if (actions != 1)
    return UsageError(command, "give one of --join G, --send G, --open");
  const int port = absl::GetFlag(FLAGS_port);
  if (port < 1 || port > 65535)
    return UsageError(command, "--port must be 1..65535");
  std::vector<std::string> errors;
  policy::Policy loaded =
      policy::LoadPolicyDirectory(absl::GetFlag(FLAGS_policy_dir), &errors);
  if (!errors.empty()) {
    for (const std::string& error : errors)
      std::fprintf(stderr, "%s\n", error.c_str());
    return Fail(command, "the policy directory has errors (see above)");
  }
  policy::Decision decision;
  if (!absl::GetFlag(FLAGS_join).empty()) {
    std::optional<std::string> source;
    if (!absl::GetFlag(FLAGS_source).empty())
      source = absl::GetFlag(FLAGS_source);
    absl::StatusOr<common::SocketMembership> membership =
        common::ParseSocketMembership(absl::GetFlag(FLAGS_join), source);
    if (!membership.ok())
      return UsageError(command, std::string(membership.status().message()));
    decision = loaded.Join(origin, *membership, static_cast<uint16_t>(port));
  } else if (!absl::GetFlag(FLAGS_send).empty()) {
    std::optional<common::IpAddress> group =
        common::IpAddress::Parse(absl::GetFlag(FLAGS_send));
    if (!group || !group->IsMulticast())
      return UsageError(command, "--send needs a multicast group address");
    decision = loaded.Send(
        origin, *group, static_cast<uint16_t>(port),
        static_cast<uint32_t>(absl::GetFlag(FLAGS_ttl)),
        absl::GetFlag(FLAGS_loopback) && !absl::GetFlag(FLAGS_no_loopback));
  } else {
    decision = loaded.OpenMulticast(
        origin, static_cast<uint16_t>(port),
        static_cast<uint32_t>(absl::GetFlag(FLAGS_ttl)),
        absl::GetFlag(FLAGS_share),
        absl::GetFlag(FLAGS_loopback) && !absl::GetFlag(FLAGS_no_loopback));
  }
  std::printf("%s by %s: %s\n", decision.allowed ? "ALLOW" : "DENY",
              decision.policy.c_str(), decision.reason.c_str());
  return decision.allowed ? kOk : kFailed;
}

// Where Bazel puts a program built with this one: bazel-bin/tools/dsock/
// dsock -> bazel-bin/<relative>.
std::string BuiltProgram(const std::string& relative) {
  char self[4096];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0)
    return relative;
  std::string path(self, static_cast<size_t>(length));
  for (int up = 0; up < 3; ++up)  // dsock, tools/dsock, tools
    path = path.substr(0, path.rfind('/'));
  return path + "/" + relative;
}

constexpr char kRunOrigin[] = "isolated-app://dsockrun";

int Run(const std::string& command, const std::vector<std::string>& args) {
  if (args.size() != 1)
    return UsageError(command, "give the app to run: dsock run APP.mjs");
  dsock::RunOptions options;
  options.app_path = args[0];
  options.origin = absl::GetFlag(FLAGS_origin);
  if (options.origin.empty())
    options.origin = kRunOrigin;
  std::string error;
  options.permissions =
      dsock::ParsePermissions(absl::GetFlag(FLAGS_permissions), &error);
  if (!error.empty())
    return UsageError(command, error);
  // Without --policy-dir, the machine's managed policy if it has one; else
  // an unmanaged device (no multicast).
  options.policy_dir = absl::GetFlag(FLAGS_policy_dir);
  options.unsafe_development_mode =
      absl::GetFlag(FLAGS_unsafe_development_mode);
  if (options.policy_dir == kDefaultPolicyDir &&
      (options.unsafe_development_mode ||
       access(options.policy_dir.c_str(), F_OK) != 0)) {
    options.policy_dir.clear();
  }
  if (options.unsafe_development_mode && !options.policy_dir.empty()) {
    return UsageError(command,
                      "--unsafe-development-mode and --policy-dir cannot be "
                      "combined");
  }
  options.network_service_path = absl::GetFlag(FLAGS_network_service);
  if (options.network_service_path.empty())
    options.network_service_path =
        BuiltProgram("network_service/network_service");
  options.renderer_path = absl::GetFlag(FLAGS_renderer);
  if (options.renderer_path.empty())
    options.renderer_path = BuiltProgram("renderer/js/js_renderer");
  return dsock::RunApp(options);
}

struct Command {
  const char* synopsis;
  std::set<std::string> flags;
  std::function<int(const std::string&, const std::vector<std::string>&)> run;
  size_t max_positional = 0;
};

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"send",
       {"dsock send --group G --port P [--ttl N] [--no-loopback] [--count N] "
        "[--interval-ms T] --message TEXT\n"
        "Sends --count datagrams of TEXT to the group from a connected "
        "UDPSocket.",
        {"group", "port", "ttl", "loopback", "no_loopback", "count",
         "interval_ms", "message", "timeout_ms", "service_socket"},
        [](const std::string& c, const std::vector<std::string>&) {
          return Send(c);
        }}},
      {"recv",
       {"dsock recv --group G [--source S] --port P [--share] [--count N] "
        "[--timeout-ms T]\n"
        "Joins the group on a bound UDPSocket and prints one line per "
        "datagram:\n  from ADDR:PORT LEN TEXT\n"
        "Exits 0 once --count datagrams arrived, 1 on timeout.",
        {"group", "source", "port", "share", "count", "timeout_ms",
         "service_socket"},
        [](const std::string& c, const std::vector<std::string>&) {
          return Recv(c);
        }}},
      {"run",
       {"dsock run [--policy-dir DIR | --unsafe-development-mode] "
        "[--origin isolated-app://ID] [--permissions LIST] APP.mjs\n"
        "Runs a JavaScript isolated app (an ES module) in a sandboxed "
        "renderer under a host of its own, with a network service that "
        "enforces DIR (default: /etc/dsock/policies/managed if it exists, "
        "else an unmanaged device: no multicast; "
        "--unsafe-development-mode enforces nothing). The app's console goes "
        "to stdout/stderr.\n"
        "Exit: 0 the app finished, 1 it threw or rejected, 2 usage error.",
        {"policy_dir", "unsafe_development_mode", "origin", "permissions",
         "network_service", "renderer"},
        Run,
        1}},
      {"policy",
       {"dsock policy validate DIR\n"
        "dsock policy explain --policy-dir DIR --origin O (--join G "
        "[--source S] | --send G [--ttl N] | --open [--ttl N] [--share] "
        "[--no-loopback]) --port P\n"
        "validate: exit 0, or print each error with its file and key path "
        "and exit 1.\n"
        "explain: print ALLOW or DENY and the policy that decided; exit 0 "
        "for ALLOW, 1 for DENY.",
        {"policy_dir", "origin", "join", "send", "open", "source", "port",
         "ttl", "share", "loopback", "no_loopback"},
        Policy,
        3}},
  };
  return *commands;
}

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "dsock: Direct Sockets from the command line, through the "
               "network service.\nSubcommands:\n");
  for (const auto& [name, command] : Commands())
    std::fprintf(out, "  %s\n", command.synopsis);
  std::fprintf(out, "Run dsock SUBCOMMAND --help for its options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  // Started by a host: give up every way to the network but the channel.
  absl::Status sandboxed = renderer::EnterSandboxIfHosted();
  if (!sandboxed.ok()) {
    std::fprintf(stderr, "dsock: %s\n", sandboxed.ToString().c_str());
    return kFailed;
  }
  if (argc < 2) {
    PrintUsage(stderr);
    return kUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return kOk;
  }
  auto command = Commands().find(name);
  if (command == Commands().end()) {
    std::fprintf(stderr, "dsock: unknown subcommand \"%s\"\n", name.c_str());
    PrintUsage(stderr);
    return kUsage;
  }
  dsock::CommandLine command_line(command->second.flags,
                                  command->second.max_positional);
  absl::Status parsed =
      command_line.Parse(std::vector<std::string>(argv + 2, argv + argc));
  if (command_line.help()) {
    std::printf("%s\n\nOptions:\n%s", command->second.synopsis,
                command_line.FlagHelp().c_str());
    return kOk;
  }
  if (!parsed.ok())
    return UsageError(name, std::string(parsed.message()));
  return command->second.run(name, command_line.positional());
}
