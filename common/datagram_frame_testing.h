#ifndef COMMON_DATAGRAM_FRAME_TESTING_H_
#define COMMON_DATAGRAM_FRAME_TESTING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/datagram_frame.h"
#include "common/ip_address.h"

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

}  // namespace common

#endif  // COMMON_DATAGRAM_FRAME_TESTING_H_
