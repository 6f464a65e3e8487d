#ifndef COMMON_DATAGRAM_FRAME_TESTING_H_
#define COMMON_DATAGRAM_FRAME_TESTING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/datagram_frame.h"
#include "common/ip_address.h"
#include "proto/udp_socket.pb.h"

namespace common {

// For tests: what a datagram frame carries, one string per datagram, "data"
// or, with `with_senders`, "data@address:port" ("data@-" for none); its
// socket number in `*socket_id`. Nullopt for a frame that does not read.
inline std::optional<std::vector<std::string>> FrameDatagrams(
    absl::string_view frame,
    uint32_t* socket_id,
    bool with_senders) {
  std::vector<std::string> datagrams;
  const bool read =
      DatagramFrame::ForEach(
          frame, socket_id,
          [&](absl::string_view data, const sockaddr* from) {
            if (!with_senders) {
              datagrams.emplace_back(data);
            } else if (from == nullptr) {
              datagrams.push_back(absl::StrCat(data, "@-"));
            } else {
              datagrams.push_back(absl::StrCat(
                  data, "@", IpAddress::FromSockaddr(from).ToString(), ":",
                  SockaddrPort(from)));
            }
          })
          .ok();
  if (!read)
    return std::nullopt;
  return datagrams;
}

// For tests: a send frame (kind kSend) as a renderer writes it, of
// datagrams to `to` ("" for a connected socket's peer).
struct OutgoingDatagram {
  std::string data;
  std::string to;  // An IP literal, or "".
  uint16_t port = 0;
};
inline std::string SendFrameBytes(
    uint32_t socket_id,
    uint64_t request_id,
    const std::vector<OutgoingDatagram>& datagrams) {
  DatagramFrame frame;
  frame.Begin(DatagramFrame::Kind::kSend, socket_id, request_id);
  for (const OutgoingDatagram& datagram : datagrams) {
    sockaddr_storage to{};
    const sockaddr* peer = nullptr;
    if (!datagram.to.empty()) {
      IpAddress::Parse(datagram.to)->ToSockaddr(datagram.port, &to);
      peer = reinterpret_cast<const sockaddr*>(&to);
    }
    frame.Add(datagram.data, peer);
  }
  return std::string(frame.bytes());
}

// For tests: a send result as "request:CODE" ("7:OK"), or nullopt for a
// message that is not one; its socket number in `*socket_id`.
inline std::optional<std::string> ResultText(absl::string_view message,
                                             uint32_t* socket_id) {
  std::optional<DatagramResult> result = DatagramResult::Parse(message);
  if (!result)
    return std::nullopt;
  *socket_id = result->socket_id;
  direct_sockets::v1::Status status;
  if (!status.ParseFromArray(result->status.data(),
                             static_cast<int>(result->status.size()))) {
    return std::nullopt;
  }
  return absl::StrCat(
      result->request_id, ":",
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.code())));
}

}  // namespace common

#endif  // COMMON_DATAGRAM_FRAME_TESTING_H_
