#include "network_service/datagram_pipe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/datagram_frame.h"
#include "common/ip_address.h"
#include "common/logging.h"
#include "network_service/requests/request_validator.h"

namespace network_service {

DatagramPipe::DatagramPipe(uv_loop_t* loop, int fd, std::string origin)
    : fd_(fd), origin_(std::move(origin)) {
  // Root may go past the system's cap (wmem_max); otherwise take the cap.
  const int bytes = kSendBufferBytes;
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof(bytes)) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
  watch_ = std::make_unique<common::FdWatch>(loop, fd_, UV_READABLE,
                                             [this](int status, int) {
                                               if (status < 0) {
                                                 Close();
                                                 return;
                                               }
                                               OnReadable();
                                             });
}

DatagramPipe::~DatagramPipe() {
  if (!watch_->closed()) {
    // Not closed on the loop (NetworkService always closes it there): the
    // handle cannot be touched from here.
    LOG(ERROR) << "a datagram pipe of " << origin_ << " was not closed";
    watch_->Abandon();
  }
}

void DatagramPipe::Register(uint32_t socket_id, CreditSink* sink) {
  sinks_[socket_id] = sink;
}

void DatagramPipe::Unregister(uint32_t socket_id) {
  sinks_.erase(socket_id);
}

void DatagramPipe::RegisterRequests(uint32_t socket_id, RequestSink* sink) {
  request_sinks_[socket_id] = sink;
}

void DatagramPipe::UnregisterRequests(uint32_t socket_id) {
  request_sinks_.erase(socket_id);
}

bool DatagramPipe::TrySend(absl::string_view frame) {
  if (watch_->closed())
    return false;
  ssize_t sent;
  do {
    sent = send(fd_, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  // A seqpacket message goes whole or not at all.
  return sent == static_cast<ssize_t>(frame.size());
}

void DatagramPipe::OnReadable() {
  // The loop's one buffer for what renderers write: one byte more than the
  // largest message, so that a longer one shows as longer (and is broken).
  thread_local std::string buffer(common::DatagramFrame::kMaxBytes + 1, '\0');
  int send_frames = 0;
  for (int i = 0; i < kMaxMessagesPerWakeup &&
                  send_frames < kMaxSendFramesPerWakeup && !watch_->closed();
       ++i) {
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return;  // Read all there was.
    if (n == 0) {
      Close();  // The renderer has gone.
      return;
    }
    const absl::string_view message(buffer.data(), static_cast<size_t>(n));
    bool sound = false;
    const uint32_t magic = common::PipeMessageMagic(message);
    if (magic == static_cast<uint32_t>(common::DatagramFrame::Kind::kSend)) {
      ++send_frames;
      sound = HandleSendFrame(message);
    } else if (magic == common::DatagramMembership::kMagic) {
      ++send_frames;  // A request the service acts on, counted as a send.
      sound = HandleMembership(message);
    } else if (std::optional<common::DatagramCredit> credit =
                   common::DatagramCredit::Parse(message)) {
      sound = true;
      auto it = sinks_.find(credit->socket_id);
      if (it != sinks_.end())
        it->second->AddCredit(credit->count);  // Saturates there.
    }
    if (!sound) {
      ++broken_messages_;
      LOG(WARNING) << "the renderer of " << origin_
                   << " wrote what is not credit, a send frame, a join or a "
                      "leave into its datagram pipe; the pipe is closed, its "
                      "sockets go on over gRPC";
      Close();
      return;
    }
  }
}

bool DatagramPipe::HandleSendFrame(absl::string_view frame) {
  // The frame is the service's copy now; it is read whole before any of it
  // is used, and used only as the request the stream would have carried.
  common::DatagramFrame::FrameHeader header{};
  uint32_t socket_id = 0;
  if (frame.size() >= sizeof(header)) {
    std::memcpy(&header, frame.data(), sizeof(header));
    socket_id = header.socket_id;
  }
  auto it = request_sinks_.find(socket_id);
  direct_sockets::v1::SendDatagrams send;
  const bool keep = it != request_sinks_.end();
  const absl::Status read = common::DatagramFrame::ForEach(
      frame, common::DatagramFrame::Kind::kSend, &header,
      [&](absl::string_view data, const sockaddr* to) {
        if (!keep)
          return;  // Checked, then dropped: its socket has gone.
        direct_sockets::v1::Datagram* datagram = send.add_datagrams();
        datagram->set_data(data.data(), data.size());
        if (to != nullptr) {
          datagram->set_remote_address(
              common::IpAddress::FromSockaddr(to).ToString());
          datagram->set_remote_port(common::SockaddrPort(to));
        }
      });
  if (!read.ok())
    return false;
  if (keep)
    it->second->OnPipeSend(header.request_id, std::move(send));
  return true;
}

bool DatagramPipe::HandleMembership(absl::string_view message) {
  std::optional<common::DatagramMembership> membership =
      common::DatagramMembership::Parse(message);
  if (!membership)
    return false;
  direct_sockets::v1::MulticastGroup group;
  // Exactly the fields an honest renderer sets, nothing unknown.
  if (!group.ParseFromArray(membership->group.data(),
                            static_cast<int>(membership->group.size())) ||
      !CheckNoUnknownFields(group).ok()) {
    return false;
  }
  auto it = request_sinks_.find(membership->socket_id);
  if (it != request_sinks_.end()) {
    it->second->OnPipeMembership(membership->request_id, membership->join,
                                 std::move(group));
  }
  return true;
}

void DatagramPipe::Close() {
  watch_->Close();
  sinks_.clear();
  request_sinks_.clear();
}

}  // namespace network_service
