#ifndef RENDERER_MULTICAST_CONTROLLER_H_
#define RENDERER_MULTICAST_CONTROLLER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "common/socket_membership.h"
#include "proto/udp_socket.pb.h"
#include "renderer/promise.h"
#include "renderer/script_error.h"

namespace renderer {

// The IDL dictionary MulticastGroupOptions.
struct MulticastGroupOptions {
  std::optional<std::string> sourceAddress;
};

// The IDL dictionary MulticastMembership, as joinedGroups lists an SSM
// membership.
struct MulticastMembership {
  std::string groupAddress;
  std::string sourceAddress;
  friend bool operator==(const MulticastMembership& a,
                         const MulticastMembership& b) {
    return a.groupAddress == b.groupAddress &&
           a.sourceAddress == b.sourceAddress;
  }
};

// (DOMString or MulticastMembership): a string for an any-source
// membership, a MulticastMembership for a source-specific one.
using JoinedGroup = std::variant<std::string, MulticastMembership>;

// MulticastController of a bound UDPSocket (`openInfo.multicastController`),
// the layer of Blink's multicast_controller.cc: it checks every argument and
// state rule before any IPC (TypeError, InvalidStateError), keeps the sets of
// joined and in-flight memberships, and asks the network service to join or
// leave. Owned by its UDPSocket, shared with the open info; loop thread.
class MulticastController {
 public:
  // Implemented by UDPSocket.
  class Delegate {
   public:
    virtual ~Delegate() = default;
    // Sends a join or leave; returns its request id. OnResult() answers it.
    virtual uint64_t SendMembershipRequest(
        bool join,
        direct_sockets::v1::MulticastGroup group) = 0;
  };

  MulticastController(Delegate* delegate,
                      common::MulticastSocketFamily socket_family);
  MulticastController(const MulticastController&) = delete;
  MulticastController& operator=(const MulticastController&) = delete;
  ~MulticastController();

  // As Blink's, in its order and words: InvalidStateError on a closed
  // socket, then TypeError for a bad group or source, InvalidStateError for
  // a duplicate (joined or in flight) or for mixing any-source and
  // source-specific on one group; DataError ("The address is not valid.")
  // for a group of a family this socket cannot join; NetworkError when the
  // service or the OS refuses; AbortError when the socket closes first.
  Promise<Undefined> joinGroup(const std::string& group_address,
                               const MulticastGroupOptions& options = {});
  // As Blink's: InvalidStateError on a closed socket, then TypeError for a
  // bad group or source, InvalidStateError for a membership not joined (or
  // still joining) and for a leave already in flight.
  Promise<Undefined> leaveGroup(const std::string& group_address,
                                const MulticastGroupOptions& options = {});
  // The committed memberships, in the order their joins completed; joins in
  // flight are not listed. A snapshot: later calls do not change it.
  std::vector<JoinedGroup> joinedGroups() const;

  // For UDPSocket: true when `request_id` was one of ours.
  bool OnResult(uint64_t request_id, const absl::Status& status);
  // For UDPSocket: the socket closed or failed. Joins and leaves in flight
  // reject with AbortError; the kernel has dropped every membership.
  void OnSocketClosed();

 private:
  struct InFlight {
    uint64_t request_id;
    common::SocketMembership membership;
    bool join;
    Promise<Undefined> promise;
  };

  // Parses and checks what both calls share, as Blink does and then the
  // rules the service keeps; sets `error` (a TypeError in Blink's form for
  // `operation`) on failure.
  std::optional<common::SocketMembership> Parse(
      const char* operation,
      const std::string& group_address,
      const MulticastGroupOptions& options,
      std::optional<ScriptError>* error) const;
  const InFlight* FindInFlight(const common::SocketMembership& membership,
                               bool join) const;
  bool IsJoined(const common::SocketMembership& membership) const;
  Promise<Undefined> Send(const common::SocketMembership& membership,
                          bool join);

  Delegate* delegate_;
  const common::MulticastSocketFamily socket_family_;
  bool closed_ = false;
  std::vector<common::SocketMembership> joined_;
  std::vector<InFlight> in_flight_;
};

}  // namespace renderer

#endif  // RENDERER_MULTICAST_CONTROLLER_H_
