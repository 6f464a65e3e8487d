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

// The datagram pipe's messages. From the service: a batch of datagrams one
// socket received (DatagramFrame). From the renderer: receive credit for one
// of its sockets (DatagramCredit), as ReceiveMore on the stream would carry.
//
// A frame: a batch of datagrams one socket received,
// as the network service hands them to its renderer without gRPC (issue 14).
// The host gives each renderer and the service the two ends of a
// SOCK_SEQPACKET socket pair beside the gRPC channel; a socket opened with
// `receive_on_pipe` gets its datagrams there, one frame per batch, while
// everything else (opening, credit, sends, errors) stays on its gRPC
// stream. What a renderer writes there is read as credit and nothing else:
// a message that is not exactly one DatagramCredit closes the pipe.
//
// A frame, in the host's byte order (both ends are on one machine):
//   FrameHeader, then `count` records of RecordHeader + `length` bytes.
// A value type; any thread.
class DatagramFrame {
 public:
  static constexpr uint32_t kMagic = 0x31504744;  // "DGP1"
  // A frame's largest size: one 64 KiB datagram always fits, and the
  // service's end of the pipe is given a send buffer that holds several.
  static constexpr size_t kMaxBytes = 160 * 1024;

  struct FrameHeader {
    uint32_t magic;
    uint32_t socket_id;  // The service's number for the socket (Opened).
    uint32_t count;      // Records that follow.
    uint32_t reserved;
  };
  struct RecordHeader {
    uint32_t length;  // Bytes of data after this header.
    uint16_t port;    // The sender's port; 0 for a connected socket's.
    uint8_t family;   // AF_INET, AF_INET6, or 0 (no address: connected).
    uint8_t reserved;
    uint8_t address[16];  // 4 bytes for AF_INET, then zeros.
  };

  // Starts an empty frame for `socket_id`.
  void Begin(uint32_t socket_id);
  // Adds one datagram from `from` (null for a connected socket). False, and
  // nothing added, when it would make the frame larger than kMaxBytes.
  bool Add(absl::string_view data, const sockaddr* from);
  uint32_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The frame as it goes on the pipe.
  absl::string_view bytes() const { return buffer_; }

  // Calls `each` for every datagram of `frame` in order, with its sender
  // (null when the frame carries none), after checking the whole frame:
  // INVALID_ARGUMENT for a wrong magic, a count or length that does not
  // match the frame's size, or an unknown family; nothing is called then.
  using Visitor =
      absl::FunctionRef<void(absl::string_view data, const sockaddr* from)>;
  static absl::Status ForEach(absl::string_view frame,
                              uint32_t* socket_id,
                              Visitor each);

 private:
  std::string buffer_;
  uint32_t count_ = 0;
};

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

}  // namespace common

#endif  // COMMON_DATAGRAM_FRAME_H_
