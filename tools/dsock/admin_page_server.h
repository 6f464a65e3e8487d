#ifndef TOOLS_DSOCK_ADMIN_PAGE_SERVER_H_
#define TOOLS_DSOCK_ADMIN_PAGE_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace dsock {

// `dsock admin serve`'s HTTP server: the admin's live page (a
// chrome://net-internals for this service), its state as JSON and the
// Prometheus metrics, each read from the network service's admin socket at
// the request. Read-only (GET and HEAD), on a loopback address only, and
// every request must carry the token: `?token=` once (the page then keeps
// it in an HttpOnly, SameSite=Strict cookie and drops it from the
// address), the cookie, or `Authorization: Bearer TOKEN` (Prometheus). A
// Host header that is not this loopback address is refused (DNS
// rebinding), and every answer carries a strict Content-Security-Policy.
//
//   GET /            the page (index.html, app.js, app.css, embedded)
//   GET /state.json  dsock status --json's object
//   GET /metrics     Prometheus text format (metrics_text.h)
//
// Owned by the command; Run() on one thread (httplib serves on its own
// pool), Stop() from any.
class AdminPageServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";  // A loopback address.
    int port = 0;                    // 0: any free port.
    std::string admin_socket;
    std::string token;  // At least 16 characters.
  };

  // Binds. INVALID_ARGUMENT when the host is not a loopback address or the
  // token is short, UNAVAILABLE when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<AdminPageServer>> Bind(Options options);
  AdminPageServer(const AdminPageServer&) = delete;
  AdminPageServer& operator=(const AdminPageServer&) = delete;

  int port() const { return port_; }
  // The URL that opens the page (with the token).
  std::string PageUrl() const;
  // Serves until Stop().
  void Run();
  void Stop();

 private:
  explicit AdminPageServer(Options options);
  void Route();
  // The request's token (query, cookie or bearer) is the right one.
  bool Authorized(const httplib::Request& request) const;
  // The Host header names this server's loopback address and port.
  bool HostAllowed(const httplib::Request& request) const;
  std::string CookieName() const;

  const Options options_;
  int port_ = 0;
  httplib::Server server_;
};

// A token of 128 random bits, in hex.
std::string NewAdminToken();

}  // namespace dsock

#endif  // TOOLS_DSOCK_ADMIN_PAGE_SERVER_H_
