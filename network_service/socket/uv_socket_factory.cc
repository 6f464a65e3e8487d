#include "network_service/socket/uv_socket_factory.h"

#include <netdb.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/web_error.h"
#include "network_service/socket/uv_datagram_socket.h"
#include "network_service/socket/uv_error.h"

namespace network_service {

namespace {

// A uv_getaddrinfo request. It outlives the Lookup the caller holds when
// the caller cancels: libuv calls back either way (UV_EAI_CANCELED, or the
// answer it already had), and only then is it freed.
class UvLookup;

struct PendingLookup {
  uv_getaddrinfo_t request;
  std::string host;
  SocketFactory::LookupDone done;  // Empty once cancelled.
  UvLookup* owner = nullptr;       // Null once cancelled.
};

class UvLookup final : public SocketFactory::Lookup {
 public:
  explicit UvLookup(PendingLookup* pending) : pending_(pending) {
    pending_->owner = this;
  }
  ~UvLookup() override {
    if (pending_ == nullptr)
      return;
    pending_->done = nullptr;
    pending_->owner = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&pending_->request));
  }
  // The lookup called back (and frees itself).
  void Finished() { pending_ = nullptr; }

 private:
  PendingLookup* pending_;  // Null once the lookup called back.
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatagramSocket>>
UvSocketFactory::CreateUDPSocket(int family) {
  int error = 0;
  auto socket = std::make_unique<UvDatagramSocket>(loop_, family, &error);
  if (error != 0)
    return OsError("creating a UDP socket", error);
  return socket;
}

absl::StatusOr<std::unique_ptr<SocketFactory::Lookup>>
UvSocketFactory::ResolveHost(const std::string& host,
                             uint16_t port,
                             int family,
                             LookupDone done) {
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_protocol = IPPROTO_UDP;
  hints.ai_family = family;
  // With no family asked for, skip families this host has no address of;
  // an explicit family is honoured as asked.
  hints.ai_flags = family == AF_UNSPEC ? AI_ADDRCONFIG : 0;
  auto* pending = new PendingLookup{{}, host, std::move(done), nullptr};
  pending->request.data = pending;
  const std::string service = std::to_string(port);
  const int error = uv_getaddrinfo(
      loop_, &pending->request,
      [](uv_getaddrinfo_t* request, int status, addrinfo* res) {
        std::unique_ptr<PendingLookup> pending(
            static_cast<PendingLookup*>(request->data));
        if (pending->owner != nullptr)
          pending->owner->Finished();
        LookupDone done = std::move(pending->done);
        if (!done) {  // Cancelled.
          uv_freeaddrinfo(res);
          return;
        }
        if (status != 0 || res == nullptr) {
          uv_freeaddrinfo(res);
          done(common::HostNotResolved(
              absl::StrCat(pending->host, ": ",
                           status != 0 ? UvErrorText(status) : "no address")));
          return;
        }
        sockaddr_storage address;
        std::memset(&address, 0, sizeof(address));
        std::memcpy(&address, res->ai_addr,
                    std::min<size_t>(res->ai_addrlen, sizeof(address)));
        uv_freeaddrinfo(res);
        done(address);
      },
      host.c_str(), service.c_str(), &hints);
  if (error != 0) {
    delete pending;
    return OsError(absl::StrCat("resolving ", host), error);
  }
  return std::make_unique<UvLookup>(pending);
}

}  // namespace network_service
