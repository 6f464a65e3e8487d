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
//   dsock status [--json] [--watch] [--admin-socket PATH]
//   dsock admin serve [--listen 127.0.0.1:PORT] [--admin-socket PATH]
//   dsock SUBCOMMAND --help
//
// It finds the network service as every renderer does: the channel its host
// gave it ($DSOCK_SERVICE_FD), else --service-socket, else
// $DSOCK_NETWORK_SERVICE_SOCKET, else /run/dsock/network.sock.
// Exit status: 0 done, 1 failed or timed out, 2 usage error.
#include <unistd.h>

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "renderer/sandbox.h"
#include "tools/dsock/admin_command.h"
#include "tools/dsock/command_status.h"
#include "tools/dsock/policy_commands.h"
#include "tools/dsock/run_command.h"
#include "tools/dsock/socket_commands.h"
#include "tools/dsock/status_command.h"

namespace {

constexpr char kDefaultPolicyDir[] = "/etc/dsock/policies/managed";

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

// `dsock run` once its command line is read: `permissions` unchecked, and
// `policy_dir_given` whether --policy-dir was.
int Run(dsock::RunOptions options,
        const std::string& permissions,
        bool policy_dir_given) {
  const std::string command = "run";
  if (options.origin.empty())
    options.origin = kRunOrigin;
  std::string error;
  options.permissions = dsock::ParsePermissions(permissions, &error);
  if (!error.empty())
    return dsock::UsageError(command, error);
  if (options.unsafe_development_mode && policy_dir_given) {
    return dsock::UsageError(command,
                             "--unsafe-development-mode and --policy-dir "
                             "cannot be combined");
  }
  // Without --policy-dir, the machine's managed policy if it has one; else
  // an unmanaged device (no multicast).
  if (!policy_dir_given && (options.unsafe_development_mode ||
                            access(options.policy_dir.c_str(), F_OK) != 0)) {
    options.policy_dir.clear();
  }
  if (options.network_service_path.empty())
    options.network_service_path =
        BuiltProgram("network_service/network_service");
  if (options.renderer_path.empty())
    options.renderer_path = BuiltProgram("renderer/js/js_renderer");
  return dsock::RunApp(options);
}

// The subcommands, each with options of its own (CLI11).
struct CommandLine {
  CLI::App app{
      "dsock: Direct Sockets from the command line, through the network "
      "service.",
      "dsock"};
  dsock::SendOptions send;
  dsock::RecvOptions recv;
  dsock::ExplainOptions explain;
  std::string validate_dir;
  dsock::RunOptions run;
  dsock::StatusOptions status;
  dsock::AdminServeOptions admin_serve;
  std::string run_permissions =
      "direct-sockets,direct-sockets-multicast,local-network,"
      "loopback-network";
  CLI::App* send_command;
  CLI::App* recv_command;
  CLI::App* policy_command;
  CLI::App* validate_command;
  CLI::App* explain_command;
  CLI::App* run_command;
  CLI::App* status_command;
  CLI::App* admin_command;
  CLI::App* serve_command;
  CLI::Option* run_policy_dir;

  CommandLine() {
    app.require_subcommand(1);
    send_command = app.add_subcommand(
        "send",
        "dsock send --group G --port P [--ttl N] [--no-loopback] [--count N] "
        "[--interval-ms T] --message TEXT\n"
        "Sends --count datagrams of TEXT to the group from a connected "
        "UDPSocket, one line each: sent to ADDR:PORT LEN TEXT");
    AddGroupOptions(send_command, &send, "How many datagrams to send.");
    send_command
        ->add_option("--ttl", send.ttl,
                     "multicastTimeToLive: hops a datagram may take.")
        ->capture_default_str();
    send_command->add_flag("--loopback,!--no-loopback", send.loopback,
                           "multicastLoopback (default on); --no-loopback "
                           "keeps datagrams off this host.");
    send_command
        ->add_option("--interval-ms", send.interval_ms,
                     "Pause between datagrams.")
        ->capture_default_str();
    send_command->add_option("--message", send.message,
                             "Text of each datagram.");

    recv_command = app.add_subcommand(
        "recv",
        "dsock recv --group G [--source S] --port P [--share] [--count N] "
        "[--timeout-ms T]\n"
        "Joins the group on a bound UDPSocket and prints one line per "
        "datagram:\n  from ADDR:PORT LEN TEXT\n"
        "Exits 0 once --count datagrams arrived, 1 on timeout.");
    AddGroupOptions(recv_command, &recv, "How many datagrams to wait for.");
    recv_command->add_option(
        "--source", recv.source,
        "Join source-specific (SSM): only datagrams from this address.");
    recv_command->add_flag(
        "--share", recv.share,
        "multicastAllowAddressSharing: let other sockets bind the port.");

    policy_command = app.add_subcommand(
        "policy", "Checks policy files as the network service reads them.");
    policy_command->require_subcommand(1);
    validate_command = policy_command->add_subcommand(
        "validate",
        "dsock policy validate DIR\n"
        "Exit 0, or print each error with its file and key path and exit 1.");
    validate_command->add_option("DIR", validate_dir, "The policy directory.")
        ->required();
    explain_command = policy_command->add_subcommand(
        "explain",
        "dsock policy explain --policy-dir DIR --origin O (--join G "
        "[--source S] | --send G | --open) [--ttl N] [--share] "
        "[--no-loopback] --port P\n"
        "Prints ALLOW or DENY and the policy that decided; exit 0 for ALLOW, "
        "1 for DENY.");
    explain.policy_dir = kDefaultPolicyDir;
    explain_command
        ->add_option("--policy-dir", explain.policy_dir,
                     "The managed policy directory.")
        ->capture_default_str();
    explain_command->add_option("--origin", explain.origin,
                                "The isolated app asking.");
    explain_command->add_option("--join", explain.join,
                                "Explain a join of this group.");
    explain_command->add_option("--source", explain.source,
                                "With --join: a source-specific join.");
    explain_command->add_option("--send", explain.send,
                                "Explain a send to this group.");
    explain_command->add_flag("--open", explain.open,
                              "Explain the open of a multicast socket.");
    explain_command->add_option("--port", explain.port, "The group's port.");
    explain_command
        ->add_option("--ttl", explain.ttl,
                     "multicastTimeToLive asked for (default 1).")
        ->check(CLI::Range(0, 255));
    explain_command->add_flag("--share", explain.share,
                              "multicastAllowAddressSharing asked for.");
    explain_command->add_flag("--loopback,!--no-loopback", explain.loopback,
                              "multicastLoopback asked for (default on).");

    run_command = app.add_subcommand(
        "run",
        "dsock run [--policy-dir DIR | --unsafe-development-mode] "
        "[--origin isolated-app://ID] [--permissions LIST] APP.mjs\n"
        "Runs a JavaScript isolated app (an ES module) in a sandboxed "
        "renderer under a host of its own, with a network service that "
        "enforces DIR (default: /etc/dsock/policies/managed if it exists, "
        "else an unmanaged device: no multicast; --unsafe-development-mode "
        "enforces nothing). The app's console goes to stdout/stderr.\n"
        "Exit: 0 the app finished, 1 it threw or rejected, 2 usage error.");
    run.policy_dir = kDefaultPolicyDir;
    run_policy_dir = run_command->add_option(
        "--policy-dir", run.policy_dir,
        "The managed policy directory the network service enforces.");
    run_command->add_flag("--unsafe-development-mode",
                          run.unsafe_development_mode,
                          "The network service enforces no policy at all "
                          "(every app may use multicast). For development "
                          "only; not with --policy-dir.");
    run_command->add_option("--origin", run.origin, "The app's origin.")
        ->default_str(kRunOrigin);
    run_command
        ->add_option("--permissions", run_permissions,
                     "The app's permissions-policy features, comma-separated "
                     "(as its manifest's \"permissions\").")
        ->capture_default_str();
    run_command->add_option(
        "--network-service", run.network_service_path,
        "The network_service program (default: the one built next to dsock).");
    run_command->add_option(
        "--renderer", run.renderer_path,
        "The js_renderer program (default: the one built next to dsock).");
    run_command->add_option(
        "--admin-socket", run.admin_socket,
        "Give the network service a read-only admin socket here (`dsock "
        "status`, docs/admin.md).");
    run_command->add_option("APP", run.app_path, "The app (an ES module).")
        ->required();

    status_command = app.add_subcommand(
        "status",
        "dsock status [--json] [--watch [--interval-ms T]] [--count N] "
        "[--admin-socket PATH]\n"
        "What the network service holds and did, from its admin socket (as "
        "root): apps and their policy rule, sockets (addresses, options, "
        "age, datagrams and bytes in and out, kernel drops, held sends), "
        "memberships, the latest refusals, the policy in force. "
        "docs/admin.md.");
    status_command
        ->add_option("--admin-socket", status.admin_socket,
                     "The service's admin socket (its --admin-socket).")
        ->capture_default_str();
    status_command->add_flag("--json", status.json,
                             "One JSON object a snapshot, on one line "
                             "(proto/admin.proto's fields).");
    status_command->add_flag("--watch", status.watch,
                             "Print a snapshot every --interval-ms until "
                             "interrupted, with rates.");
    status_command
        ->add_option("--interval-ms", status.interval_ms,
                     "Time between snapshots with --watch.")
        ->capture_default_str();
    status_command->add_option(
        "--count", status.count,
        "Stop after this many snapshots (default: 1; with --watch, none).");

    admin_command = app.add_subcommand(
        "admin", "The admin's live page and metrics (docs/admin.md).");
    admin_command->require_subcommand(1);
    serve_command = admin_command->add_subcommand(
        "serve",
        "dsock admin serve [--listen 127.0.0.1:PORT] [--admin-socket PATH] "
        "[--token-file FILE]\n"
        "Serves, on loopback only, a live page of what the network service "
        "holds and did (as dsock status, updating itself) and /metrics in "
        "the Prometheus text format. Read-only; every request needs the "
        "token printed at start. Run as root; Ctrl-C stops.");
    serve_command
        ->add_option("--listen", admin_serve.listen,
                     "Loopback address and port to serve on (port 0: any "
                     "free one).")
        ->capture_default_str();
    serve_command
        ->add_option("--admin-socket", admin_serve.admin_socket,
                     "The service's admin socket (its --admin-socket).")
        ->capture_default_str();
    serve_command->add_option(
        "--token-file", admin_serve.token_file,
        "Use the token in this file (keep it 0600), e.g. for Prometheus' "
        "credentials_file; default: a new random token each start.");
  }

  template <typename Options>
  static void AddGroupOptions(CLI::App* command,
                              Options* options,
                              const char* count_help) {
    command->add_option("--group", options->group,
                        "Multicast group address (IPv4 or IPv6).");
    command->add_option("--port", options->port, "UDP port of the group.");
    command->add_option("--count", options->count, count_help)
        ->capture_default_str();
    command
        ->add_option("--timeout-ms", options->timeout_ms,
                     "Give up after this long.")
        ->capture_default_str();
    command->add_option("--service-socket", options->service_socket,
                        "The network service's Unix socket (default: "
                        "$DSOCK_NETWORK_SERVICE_SOCKET, else "
                        "/run/dsock/network.sock).");
  }

  // The subcommand (or policy's) that the arguments chose, for messages.
  std::string Chosen() const {
    for (const CLI::App* command :
         {send_command, recv_command, validate_command, explain_command,
          run_command, status_command, serve_command, policy_command,
          admin_command}) {
      if (command->parsed()) {
        if (command == serve_command)
          return "admin serve";
        return command == validate_command || command == explain_command
                   ? "policy " + command->get_name()
                   : command->get_name();
      }
    }
    return "";
  }

  int Dispatch() {
    if (send_command->parsed())
      return dsock::Send(send);
    if (recv_command->parsed())
      return dsock::Recv(recv);
    if (status_command->parsed())
      return dsock::Status(status);
    if (serve_command->parsed())
      return dsock::AdminServe(admin_serve);
    if (validate_command->parsed())
      return dsock::ValidatePolicy(validate_dir);
    if (explain_command->parsed())
      return dsock::ExplainPolicy(explain);
    return Run(run, run_permissions, run_policy_dir->count() > 0);
  }
};

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "dsock: Direct Sockets from the command line, through the "
               "network service.\nSubcommands:\n"
               "  dsock send --group G --port P [--ttl N] [--no-loopback] "
               "[--count N] [--interval-ms T] --message TEXT\n"
               "  dsock recv --group G [--source S] --port P [--share] "
               "[--count N] [--timeout-ms T]\n"
               "  dsock policy validate DIR\n"
               "  dsock policy explain --policy-dir DIR --origin O (--join G "
               "[--source S] | --send G | --open) --port P\n"
               "  dsock run [--policy-dir DIR | --unsafe-development-mode] "
               "[--origin ID] [--permissions LIST] APP.mjs\n"
               "  dsock status [--json] [--watch] [--admin-socket PATH]\n"
               "  dsock admin serve [--listen 127.0.0.1:PORT] "
               "[--admin-socket PATH]\n"
               "Run dsock SUBCOMMAND --help for its options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  // Started by a host: give up every way to the network but the channel.
  absl::Status sandboxed = renderer::EnterSandboxIfHosted();
  if (!sandboxed.ok()) {
    std::fprintf(stderr, "dsock: %s\n", sandboxed.ToString().c_str());
    return dsock::kFailed;
  }
  if (argc < 2) {
    PrintUsage(stderr);
    return dsock::kUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return dsock::kOk;
  }
  if (name != "send" && name != "recv" && name != "policy" && name != "run" &&
      name != "status" && name != "admin") {
    std::fprintf(stderr, "dsock: unknown subcommand \"%s\"\n", name.c_str());
    PrintUsage(stderr);
    return dsock::kUsage;
  }
  CommandLine command_line;
  try {
    command_line.app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    const CLI::App* chosen = command_line.app.get_subcommands().empty()
                                 ? &command_line.app
                                 : command_line.app.get_subcommands().back();
    if (!chosen->get_subcommands().empty())
      chosen = chosen->get_subcommands().back();
    std::printf("%s", chosen->help().c_str());
    return dsock::kOk;
  } catch (const CLI::ParseError& error) {
    std::string command = command_line.Chosen();
    return dsock::UsageError(command.empty() ? name : command, error.what());
  }
  return command_line.Dispatch();
}
