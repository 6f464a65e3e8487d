#ifndef COMMON_DATAGRAM_FRAME_H_
#define COMMON_DATAGRAM_FRAME_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace common {

// The datagram pipe's messages (issue 14). The host gives each renderer and
// the service the two ends of a SOCK_SEQPACKET socket pair beside the gRPC
// channel; a socket's datagrams, joins and leaves travel there, everything
// else (opening, errors, closing) stays on its gRPC stream.
//  - Service to renderer: a batch of datagrams one socket received
//    (DatagramFrame, kind kReceived), and the result of a send, join or
//    leave that came on the pipe (DatagramResult).
//  - Renderer to service: receive credit for one of its sockets
//    (DatagramCredit, as ReceiveMore on the stream would carry), a batch of
//    datagrams to send (DatagramFrame, kind kSend, as SendDatagrams on the
//    stream would carry), and a join or leave (DatagramMembership, as
//    join_group or leave_group would). The service reads nothing else: any
//    other message closes the pipe.
// Each message starts with its kind's magic number (PipeMessageMagic).
// Values in the host's byte order: both ends are on one machine.
//
// DatagramFrame: `count` datagrams of one socket, in order:
//   FrameHeader, then `count` records of RecordHeader + `length` bytes.
// A value type; any thread.
class DatagramFrame {
 public:
  enum class Kind : uint32_t {
    kReceived = 0x31504744,  // "DGP1": datagrams a socket received.
    kSend = 0x31534744,      // "DGS1": datagrams a socket is asked to send.
  };
  // A frame's largest size: one 64 KiB datagram always fits, and either
  // end's send buffer holds two.
  static constexpr size_t kMaxBytes = 160 * 1024;

  struct FrameHeader {
    uint32_t magic;      // The Kind.
    uint32_t socket_id;  // The service's number for the socket (Opened).
    uint32_t count;      // Records that follow.
    uint32_t reserved;
    uint64_t request_id;  // kSend: answered by a DatagramResult; else 0.
  };
  struct RecordHeader {
    uint32_t length;  // Bytes of data after this header.
    uint16_t port;    // The peer's port (sender or destination); 0: none.
    uint8_t family;   // AF_INET, AF_INET6, or 0 (no address: connected).
    uint8_t reserved;
    uint8_t address[16];  // 4 bytes for AF_INET, then zeros.
  };

  // Starts an empty frame of received datagrams for `socket_id`.
  void Begin(uint32_t socket_id) { Begin(Kind::kReceived, socket_id, 0); }
  // Starts an empty frame of `kind`.
  void Begin(Kind kind, uint32_t socket_id, uint64_t request_id);
  // Adds one datagram from (kReceived) or to (kSend) `peer`, null for a
  // connected socket's. False, and nothing added, when it would make the
  // frame larger than kMaxBytes.
  bool Add(absl::string_view data, const sockaddr* peer);
  uint32_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The frame as it goes on the pipe.
  absl::string_view bytes() const { return buffer_; }

  // Calls `each` for every datagram of a kReceived `frame` in order, with
  // its peer (null when the frame carries none), after checking the whole
  // frame: INVALID_ARGUMENT for another kind, a count or length that does
  // not match the frame's size, or an unknown family; nothing is called
  // then.
  using Visitor =
      absl::FunctionRef<void(absl::string_view data, const sockaddr* peer)>;
  static absl::Status ForEach(absl::string_view frame,
                              uint32_t* socket_id,
                              Visitor each);
  // The same for a frame of `kind`; `header` gets its header once the frame
  // has been checked, before the first call.
  static absl::Status ForEach(absl::string_view frame,
                              Kind kind,
                              FrameHeader* header,
                              Visitor each);

 private:
  std::string buffer_;
  uint32_t count_ = 0;
};

// The magic number a pipe message starts with (0 when shorter than one).
uint32_t PipeMessageMagic(absl::string_view message);

// Receive credit on the pipe, renderer to service: `count` more datagrams
// for the socket the service numbered `socket_id`. Exactly this size.
struct DatagramCredit {
  static constexpr uint32_t kMagic = 0x31434744;  // "DGC1"
  uint32_t magic = kMagic;
  uint32_t socket_id = 0;
  uint32_t count = 0;

  // The credit `message` carries, or nullopt for anything that is not
  // exactly one credit message.
  static std::optional<DatagramCredit> Parse(absl::string_view message);
};

// A join or leave, renderer to service: the socket and the request, then the
// group as a serialized direct_sockets.v1.MulticastGroup.
struct DatagramMembership {
  static constexpr uint32_t kMagic = 0x314d4744;  // "DGM1"
  struct Header {
    uint32_t magic;
    uint32_t socket_id;
    uint64_t request_id;
    uint32_t join;          // 1: join, 0: leave.
    uint32_t group_length;  // Bytes of the group after this header.
  };
  uint32_t socket_id = 0;
  uint64_t request_id = 0;
  bool join = false;
  absl::string_view group;  // Points into the message Parse() read.

  static std::string Encode(uint32_t socket_id,
                            uint64_t request_id,
                            bool join,
                            absl::string_view group);
  // Nullopt for anything that is not exactly one membership message.
  static std::optional<DatagramMembership> Parse(absl::string_view message);
};

// The result of a request that came on the pipe (a kSend frame, a
// DatagramMembership), service to renderer, as RequestResult on the stream
// would carry it: the request's socket and number, then the status as a
// serialized direct_sockets.v1.Status (empty for OK).
struct DatagramResult {
  static constexpr uint32_t kMagic = 0x31524744;  // "DGR1"
  struct Header {
    uint32_t magic;
    uint32_t socket_id;
    uint64_t request_id;
    uint32_t status_length;  // Bytes of the status after this header.
    uint32_t reserved;
  };
  uint32_t socket_id = 0;
  uint64_t request_id = 0;
  absl::string_view status;  // Points into the message Parse() read.

  static std::string Encode(uint32_t socket_id,
                            uint64_t request_id,
                            absl::string_view status);
  // Nullopt for anything that is not exactly one result message.
  static std::optional<DatagramResult> Parse(absl::string_view message);
};

}  // namespace common

#endif  // COMMON_DATAGRAM_FRAME_H_
