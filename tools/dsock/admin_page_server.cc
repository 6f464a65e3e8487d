#include "tools/dsock/admin_page_server.h"

#include <sys/random.h>

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/ip_address.h"
#include "tools/dsock/admin_client.h"
#include "tools/dsock/metrics_text.h"

namespace dsock {

namespace {

// The page's files, embedded at build time (BUILD.bazel's admin_page_assets).
constexpr char kIndexHtml[] =
#include "tools/dsock/admin_page/index.html.inc"
    ;
constexpr char kAppJs[] =
#include "tools/dsock/admin_page/app.js.inc"
    ;
constexpr char kAppCss[] =
#include "tools/dsock/admin_page/app.css.inc"
    ;

// Nothing but this server's own script, style and state.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

constexpr char kNeedsToken[] =
    "This page needs the token that `dsock admin serve` printed when it "
    "started: open the URL it printed (http://HOST:PORT/?token=...), or send "
    "\"Authorization: Bearer TOKEN\".\n";

// Compares without stopping at the first difference (no timing hint).
bool SameSecret(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

std::string NewAdminToken() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    const ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n > 0)
      got += static_cast<size_t>(n);
  }
  std::string token;
  for (unsigned char byte : bytes)
    absl::StrAppend(&token, absl::Hex(byte, absl::kZeroPad2));
  return token;
}

AdminPageServer::AdminPageServer(Options options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<AdminPageServer>> AdminPageServer::Bind(
    Options options) {
  std::optional<common::IpAddress> host =
      common::IpAddress::Parse(options.host);
  if (!host || !host->IsLoopback()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: ", options.host,
        " is not a loopback address; the admin page serves this machine "
        "only (127.0.0.1 or ::1; reach it from elsewhere through ssh -L)"));
  }
  if (options.token.size() < 16) {
    return absl::InvalidArgumentError(
        "the token must have at least 16 characters");
  }
  std::unique_ptr<AdminPageServer> server(
      new AdminPageServer(std::move(options)));
  const std::string& bind_host = server->options_.host;
  if (server->options_.port == 0) {
    server->port_ = server->server_.bind_to_any_port(bind_host);
  } else if (server->server_.bind_to_port(bind_host, server->options_.port)) {
    server->port_ = server->options_.port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", bind_host, ":", server->options_.port,
                     " (in use?); give another --listen port"));
  }
  server->Route();
  return server;
}

std::string AdminPageServer::CookieName() const {
  // Cookies ignore ports: one per server on this host.
  return absl::StrCat("dsock_admin_", port_);
}

std::string AdminPageServer::PageUrl() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return absl::StrCat("http://", v6 ? "[" : "", options_.host, v6 ? "]" : "",
                      ":", port_, "/?token=", options_.token);
}

bool AdminPageServer::HostAllowed(const httplib::Request& request) const {
  const std::string host = request.get_header_value("Host");
  const std::string port = absl::StrCat(":", port_);
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == absl::StrCat(name, port))
      return true;
  }
  const bool v6 = options_.host.find(':') != std::string::npos;
  return host ==
         absl::StrCat(v6 ? "[" : "", options_.host, v6 ? "]" : "", port);
}

bool AdminPageServer::Authorized(const httplib::Request& request) const {
  if (request.has_param("token") &&
      SameSecret(request.get_param_value("token"), options_.token)) {
    return true;
  }
  const std::string header = request.get_header_value("Authorization");
  absl::string_view authorization = header;
  if (absl::ConsumePrefix(&authorization, "Bearer ") &&
      SameSecret(absl::StripAsciiWhitespace(authorization), options_.token)) {
    return true;
  }
  const std::string prefix = CookieName() + "=";
  const std::string cookies = request.get_header_value("Cookie");
  for (absl::string_view cookie : absl::StrSplit(cookies, ';')) {
    cookie = absl::StripAsciiWhitespace(cookie);
    if (absl::ConsumePrefix(&cookie, prefix) &&
        SameSecret(cookie, options_.token)) {
      return true;
    }
  }
  return false;
}

void AdminPageServer::Route() {
  server_.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Cache-Control", "no-store"},
  });
  server_.set_payload_max_length(0);  // No request has a body to read.
  server_.set_read_timeout(5, 0);
  using Handled = httplib::Server::HandlerResponse;
  server_.set_pre_routing_handler([this](const httplib::Request& request,
                                         httplib::Response& response) {
    if (request.method != "GET" && request.method != "HEAD") {
      response.status = 405;
      response.set_header("Allow", "GET, HEAD");
      response.set_content("read-only: GET and HEAD only\n",
                           "text/plain; charset=utf-8");
      return Handled::Handled;
    }
    if (!HostAllowed(request)) {
      response.status = 403;
      response.set_content(
          "this server answers requests for its loopback address only\n",
          "text/plain; charset=utf-8");
      return Handled::Handled;
    }
    if (!Authorized(request)) {
      response.status = 401;
      response.set_header("WWW-Authenticate", "Bearer realm=\"dsock admin\"");
      response.set_content(kNeedsToken, "text/plain; charset=utf-8");
      return Handled::Handled;
    }
    return Handled::Unhandled;
  });
  server_.Get("/", [this](const httplib::Request& request,
                          httplib::Response& response) {
    if (request.has_param("token")) {
      // Kept in a cookie; the address bar and history lose it.
      response.set_header("Set-Cookie",
                          absl::StrCat(CookieName(), "=", options_.token,
                                       "; Path=/; HttpOnly; SameSite=Strict"));
      response.set_redirect("/", 303);
      return;
    }
    response.set_content(kIndexHtml, "text/html; charset=utf-8");
  });
  server_.Get("/app.js",
              [](const httplib::Request&, httplib::Response& response) {
                response.set_content(kAppJs, "text/javascript; charset=utf-8");
              });
  server_.Get("/app.css",
              [](const httplib::Request&, httplib::Response& response) {
                response.set_content(kAppCss, "text/css; charset=utf-8");
              });
  server_.Get("/state.json",
              [this](const httplib::Request&, httplib::Response& response) {
                absl::StatusOr<direct_sockets::admin::v1::ServiceState> state =
                    FetchState(options_.admin_socket);
                if (!state.ok()) {
                  response.status = 503;
                  response.set_content(std::string(state.status().message()),
                                       "text/plain; charset=utf-8");
                  return;
                }
                response.set_content(StateJson(*state), "application/json");
              });
  server_.Get(
      "/metrics", [this](const httplib::Request&, httplib::Response& response) {
        absl::StatusOr<direct_sockets::admin::v1::ServiceState> state =
            FetchState(options_.admin_socket);
        response.set_content(state.ok() ? MetricsText(*state) : MetricsDown(),
                             "text/plain; version=0.0.4; charset=utf-8");
      });
}

void AdminPageServer::Run() {
  server_.listen_after_bind();
}

void AdminPageServer::Stop() {
  server_.stop();
}

}  // namespace dsock
