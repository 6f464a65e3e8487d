#ifndef NETWORK_SERVICE_SOCKET_DATAGRAM_SOCKET_H_
#define NETWORK_SERVICE_SOCKET_DATAGRAM_SOCKET_H_

#include <sys/socket.h>

#include <cstdint>
#include <optional>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/socket_membership.h"

namespace network_service {

// The socket layer: one UDP socket of the kernel and nothing else, as
// Chromium's net::UDPSocketPosix is. It knows no renderer, app or policy:
// the request layer (RestrictedUDPSocket) has checked every argument before
// it calls, so a call here is what the service decided to do.
// UvDatagramSocket is the real one; FakeDatagramSocket (tests) records calls
// and completes them on demand.
//
// Owned by one RestrictedUDPSocket; loop thread only. Callbacks (send
// completions, received datagrams) never run inside the call that started
// them. Close() must be called once before the socket is destroyed.
class DatagramSocket {
 public:
  // What the socket is set to before it binds or connects, in Chromium's
  // order: buffer sizes, receiving only joined groups, address sharing,
  // multicast TTL and loopback (both IP levels on an AF_INET6 socket).
  struct Options {
    uint32_t send_buffer_size = 0;       // 0: the system's default.
    uint32_t receive_buffer_size = 0;    // 0: the system's default.
    bool allow_address_sharing = false;  // SO_REUSEADDR and SO_REUSEPORT.
    uint32_t multicast_ttl = 1;
    bool multicast_loopback = true;
    // A bound AF_INET6 socket's IPV6_V6ONLY; unset: the system's.
    std::optional<bool> ipv6_only;
  };

  // Where received datagrams go (RestrictedUDPSocket's ReceiveFlow).
  class Receiver {
   public:
    virtual ~Receiver() = default;
    // One datagram from `from` (valid during the call only).
    virtual void OnDatagram(absl::string_view data, const sockaddr* from) = 0;
    // How many datagrams it takes now (its credit): the socket reads no
    // more than this from the kernel at once, so none is read and dropped.
    virtual size_t ReceiveBudget() const = 0;
    // The kernel refused to receive (UNAVAILABLE): receiving has stopped.
    virtual void OnReceiveError(absl::Status error) = 0;
  };

  enum class SendResult {
    kSent,    // The kernel has it.
    kQueued,  // Waiting for room in the kernel; `done` runs later.
  };
  using SendDone = absl::AnyInvocable<void(absl::Status)>;

  virtual ~DatagramSocket() = default;

  // Sets `options`, then binds to `local` (port 0: any). Once, first.
  // UNAVAILABLE with the OS's reason.
  virtual absl::Status Bind(const sockaddr* local, const Options& options) = 0;
  // Sets `options`, then connects to `remote`. Once, first.
  virtual absl::Status Connect(const sockaddr* remote,
                               const Options& options) = 0;
  // The address the socket is bound to, and a connected socket's peer.
  virtual absl::Status GetLocalAddress(sockaddr_storage* address) const = 0;
  virtual absl::Status GetPeerAddress(sockaddr_storage* address) const = 0;

  // What the kernel holds of the socket's receive side now, for the admin's
  // view: packets it dropped (SK_MEMINFO_DROPS: with UDP GRO one packet may
  // carry up to 64 datagrams) and bytes waiting to be read.
  struct KernelQueue {
    uint64_t drops = 0;
    uint64_t receive_queue_bytes = 0;
  };
  virtual KernelQueue GetKernelQueue() const = 0;

  // Joins or leaves `membership` on the interface the OS picks
  // (MCAST_{JOIN,LEAVE}_{SOURCE_,}GROUP at the group's IP level).
  // RESOURCE_EXHAUSTED when the kernel holds no more memberships,
  // UNAVAILABLE for other OS refusals.
  virtual absl::Status JoinGroup(
      const common::SocketMembership& membership) = 0;
  virtual absl::Status LeaveGroup(
      const common::SocketMembership& membership) = 0;

  // Hands one datagram to the kernel, to `to` (null: a connected socket's
  // peer), in the order of calls. kSent: done, `done` is dropped. kQueued:
  // `data` and `to`'s datagram must stay alive until `done` runs, once
  // (CANCELLED when the socket closes first). RESOURCE_EXHAUSTED when the
  // socket's queue is full, UNAVAILABLE for an OS refusal.
  virtual absl::StatusOr<SendResult> Send(absl::string_view data,
                                          const sockaddr* to,
                                          SendDone done) = 0;

  // One segmented send: the kernel's UDP_MAX_SEGMENTS on older kernels, and
  // what fits one IP packet's length field with room for the headers.
  static constexpr size_t kMaxSegments = 64;
  static constexpr size_t kMaxSegmentedBytes = 65000;
  // Hands `datagrams` (two or more, all to `to`, null: a connected
  // socket's peer) to the kernel in one send that the kernel cuts into
  // those datagrams (UDP GSO), when it can take them at once and no send is
  // queued: the number handed over, all of them or 0. Each but the last
  // must be as long as the first, the last no longer; within kMaxSegments
  // and kMaxSegmentedBytes. 0 is no error: send
  // them one by one with Send(), which answers for each.
  virtual size_t TrySendSegmented(absl::Span<const absl::string_view> datagrams,
                                  const sockaddr* to) = 0;

  // Delivers datagrams to `receiver` (not owned; outlives receiving) until
  // StopReceiving() or Close(). Called while datagrams read together are
  // being delivered, StopReceiving() takes effect after the last of them:
  // what was read from the kernel is delivered, never dropped.
  virtual absl::Status StartReceiving(Receiver* receiver) = 0;
  virtual void StopReceiving() = 0;

  // Closes the socket (the kernel drops its memberships): queued sends'
  // `done` run with CANCELLED, then `closed` runs once, later, from the
  // loop. The object may be destroyed after `closed`.
  virtual void Close(absl::AnyInvocable<void()> closed) = 0;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_SOCKET_DATAGRAM_SOCKET_H_
