#include "tools/dsock/admin_command.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "tools/dsock/admin_page_server.h"
#include "tools/dsock/command_status.h"

namespace dsock {

namespace {

// "127.0.0.1:9470" or "[::1]:9470" -> host and port; false if malformed.
bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), port) || *port < 0 ||
      *port > 65535) {
    return false;
  }
  absl::string_view name = absl::string_view(listen).substr(0, colon);
  if (absl::ConsumePrefix(&name, "[") && !absl::ConsumeSuffix(&name, "]"))
    return false;
  *host = std::string(name);
  return !host->empty();
}

}  // namespace

int AdminServe(const AdminServeOptions& options) {
  const std::string command = "admin serve";
  AdminPageServer::Options server_options;
  server_options.admin_socket = options.admin_socket;
  if (!SplitListen(options.listen, &server_options.host,
                   &server_options.port)) {
    return UsageError(command, "--listen takes HOST:PORT, e.g. 127.0.0.1:9470");
  }
  if (options.token_file.empty()) {
    server_options.token = NewAdminToken();
  } else {
    std::ifstream file(options.token_file);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) {
      return UsageError(command,
                        "cannot read --token-file " + options.token_file);
    }
    server_options.token = std::string(absl::StripAsciiWhitespace(text.str()));
  }
  // The service answers, or the person learns why now, not from the page.
  absl::StatusOr<direct_sockets::admin::v1::ServiceState> state =
      FetchState(options.admin_socket);
  if (!state.ok())
    return Fail(command, std::string(state.status().message()));

  // SIGINT and SIGTERM end the server; a thread of ours waits for them
  // (blocked here, before httplib starts its threads, which inherit the
  // mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  absl::StatusOr<std::unique_ptr<AdminPageServer>> server =
      AdminPageServer::Bind(server_options);
  if (!server.ok()) {
    return absl::IsInvalidArgument(server.status())
               ? UsageError(command, std::string(server.status().message()))
               : Fail(command, std::string(server.status().message()));
  }
  std::printf(
      "dsock admin: serving %s (read-only; the state of %s, network service "
      "pid %u; /metrics with \"Authorization: Bearer TOKEN\"). Ctrl-C "
      "stops.\n",
      (*server)->PageUrl().c_str(), options.admin_socket.c_str(), state->pid());
  std::fflush(stdout);
  AdminPageServer* serving = server->get();
  std::thread stopper([&stop_signals, serving] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    serving->Stop();
  });
  serving->Run();
  // Run() also returns if listening failed: let the waiting thread go.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return kOk;
}

}  // namespace dsock
