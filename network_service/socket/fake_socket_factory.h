#ifndef NETWORK_SERVICE_SOCKET_FAKE_SOCKET_FACTORY_H_
#define NETWORK_SERVICE_SOCKET_FAKE_SOCKET_FACTORY_H_

#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/event_loop.h"
#include "common/ip_address.h"
#include "network_service/socket/datagram_socket.h"
#include "network_service/socket/socket_factory.h"

namespace network_service {

class FakeDatagramSocket;

// What a test sees of one fake socket, kept after the socket is gone.
struct FakeSocketRecord {
  struct Sent {
    std::string data;
    std::optional<common::IpAddress> to;  // Unset: the connected peer.
    uint16_t port = 0;
  };
  int family = AF_UNSPEC;
  bool bound = false;
  bool connected = false;
  common::IpAddress address;  // Bound to, or connected to.
  uint16_t port = 0;
  DatagramSocket::Options options;
  std::vector<common::SocketMembership> memberships;  // In the kernel.
  std::vector<Sent> sent;  // Handed to the kernel, in order.
  bool receiving = false;
  bool closed = false;                       // Close() called.
  DatagramSocket::KernelQueue kernel_queue;  // What the kernel would say.
  // Set while the socket exists (the request layer owns it).
  FakeDatagramSocket* live = nullptr;
};

// A DatagramSocket with no kernel behind it: it records what it is asked
// and answers as the test sets it (`next_*` results, queued sends the test
// completes). Made by FakeSocketFactory; loop thread only.
class FakeDatagramSocket final : public DatagramSocket {
 public:
  FakeDatagramSocket(common::EventLoop* loop,
                     std::shared_ptr<FakeSocketRecord> record);
  ~FakeDatagramSocket() override;

  // What the next calls answer (each used once, then OK again).
  absl::Status next_open_error;
  absl::Status next_membership_error;
  // Sends: kSent, or kQueued until CompleteQueuedSend(); an error refuses.
  absl::StatusOr<SendResult> send_result = SendResult::kSent;
  // Segmented sends taken whole (when send_result is kSent), as the kernel
  // does with UDP GSO; off: refused (0), as where the kernel has none.
  bool takes_segmented_sends = false;
  int segmented_sends = 0;

  // Completes the oldest queued send with `status`; false when none.
  bool CompleteQueuedSend(absl::Status status = absl::OkStatus());
  // A datagram arrives from `from`:`port` (only while receiving).
  void Deliver(const std::string& data,
               const common::IpAddress& from,
               uint16_t port);
  void FailReceiving(absl::Status error);

  // DatagramSocket:
  absl::Status Bind(const sockaddr* local, const Options& options) override;
  absl::Status Connect(const sockaddr* remote, const Options& options) override;
  absl::Status GetLocalAddress(sockaddr_storage* address) const override;
  absl::Status GetPeerAddress(sockaddr_storage* address) const override;
  KernelQueue GetKernelQueue() const override;
  absl::Status JoinGroup(const common::SocketMembership& membership) override;
  absl::Status LeaveGroup(const common::SocketMembership& membership) override;
  absl::StatusOr<SendResult> Send(absl::string_view data,
                                  const sockaddr* to,
                                  SendDone done) override;
  size_t TrySendSegmented(absl::Span<const absl::string_view> datagrams,
                          const sockaddr* to) override;
  absl::Status StartReceiving(Receiver* receiver) override;
  void StopReceiving() override;
  void Close(absl::AnyInvocable<void()> closed) override;

 private:
  absl::Status Open(const sockaddr* address, const Options& options);

  common::EventLoop* const loop_;
  std::shared_ptr<FakeSocketRecord> record_;
  Receiver* receiver_ = nullptr;
  std::deque<SendDone> queued_;
};

// Hands out FakeDatagramSockets and lookups the test answers. Owned by the
// test; loop thread only; outlives the sockets it made.
class FakeSocketFactory final : public SocketFactory {
 public:
  explicit FakeSocketFactory(common::EventLoop* loop) : loop_(loop) {}

  // The next CreateUDPSocket answers this (once).
  absl::Status next_create_error;

  // Every socket made, in order.
  const std::vector<std::shared_ptr<FakeSocketRecord>>& sockets() const {
    return sockets_;
  }
  // The newest socket while it exists, else null.
  FakeDatagramSocket* live_socket() const;

  // Lookups asked for and not yet answered or cancelled.
  size_t pending_lookups() const;
  std::string last_lookup_host() const { return last_lookup_host_; }
  int last_lookup_family() const { return last_lookup_family_; }
  // Answers the oldest pending lookup; false when none is pending.
  bool CompleteLookup(absl::StatusOr<common::IpAddress> address);

  // SocketFactory:
  absl::StatusOr<std::unique_ptr<DatagramSocket>> CreateUDPSocket(
      int family) override;
  absl::StatusOr<std::unique_ptr<Lookup>> ResolveHost(const std::string& host,
                                                      uint16_t port,
                                                      int family,
                                                      LookupDone done) override;

 private:
  struct PendingLookup {
    uint16_t port = 0;
    LookupDone done;  // Empty once answered or cancelled.
  };
  class FakeLookup;

  common::EventLoop* const loop_;
  std::vector<std::shared_ptr<FakeSocketRecord>> sockets_;
  std::deque<std::shared_ptr<PendingLookup>> lookups_;
  std::string last_lookup_host_;
  int last_lookup_family_ = AF_UNSPEC;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_FAKE_SOCKET_FACTORY_H_
