#include "network_service/requests/receive_flow.h"

#include <algorithm>
#include <utility>

#include "common/ip_address.h"
#include "common/logging.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;

ReceiveFlow::ReceiveFlow(uv_loop_t* loop,
                         RendererStream* stream,
                         absl::AnyInvocable<void(absl::Status)> on_error)
    : stream_(stream), on_error_(std::move(on_error)) {
  uv_check_init(loop, &flush_check_);
  flush_check_.data = this;
}

ReceiveFlow::~ReceiveFlow() {
  CHECK(closing_) << "Close() first: libuv holds flush_check_ until then";
}

void ReceiveFlow::UsePipe(std::shared_ptr<DatagramPipe> pipe,
                          uint32_t socket_id) {
  pipe_ = std::move(pipe);
  pipe_socket_id_ = socket_id;
  pipe_->Register(pipe_socket_id_, this);
}

void ReceiveFlow::Start(DatagramSocket* socket, bool connected) {
  socket_ = socket;
  connected_ = connected;
  Update();
}

void ReceiveFlow::AddCredit(uint32_t count) {
  credit_ = static_cast<uint32_t>(
      std::min<uint64_t>(uint64_t{credit_} + count, kMaxReceiveCredit));
  Update();
}

void ReceiveFlow::OnOutboxDrained() {
  Update();
}

void ReceiveFlow::Update() {
  if (socket_ == nullptr || closing_)
    return;
  const bool want =
      credit_ > 0 && stream_->OutboxBytes() < RendererStream::kPauseBytes;
  if (want == receiving_)
    return;
  if (want) {
    absl::Status started = socket_->StartReceiving(this);
    if (!started.ok()) {
      on_error_(std::move(started));
      return;
    }
  } else {
    socket_->StopReceiving();
  }
  receiving_ = want;
}

void ReceiveFlow::OnDatagram(absl::string_view data, const sockaddr* from) {
  // Past the credit too: one kernel message of a read may carry many
  // datagrams (UDP GRO); a read's bytes stay bounded (DatagramReader).
  if (closing_)
    return;
  ++datagrams_;
  bytes_ += data.size();
  const sockaddr* sender = connected_ ? nullptr : from;
  if (pipe_ != nullptr) {
    if (frame_.empty())
      frame_.Begin(pipe_socket_id_);
    if (!frame_.Add(data, sender)) {
      // Full: this one starts the next frame (an empty frame takes any).
      Flush();
      frame_.Begin(pipe_socket_id_);
      frame_.Add(data, sender);
    }
  } else {
    AddToEvent(data, sender);
  }
  ++gathered_count_;
  if (credit_ > 0)
    --credit_;
  if (gathered_count_ >=
      (pipe_ != nullptr ? kMaxDatagramsPerFrame : kMaxDatagramsPerEvent)) {
    Flush();
  } else if (gathered_count_ == 1) {
    // Gather what this loop iteration reads, then send it as one event.
    uv_check_start(&flush_check_, &ReceiveFlow::OnFlushCheck);
  }
  if (credit_ == 0)
    Update();
}

void ReceiveFlow::OnReceiveError(absl::Status error) {
  receiving_ = false;  // The socket stopped.
  on_error_(std::move(error));
}

void ReceiveFlow::OnFlushCheck(uv_check_t* handle) {
  static_cast<ReceiveFlow*>(handle->data)->Flush();
}

void ReceiveFlow::AddToEvent(absl::string_view data, const sockaddr* from) {
  v1::Datagram* datagram = gathered_.mutable_received()->add_datagrams();
  datagram->set_data(data.data(), data.size());
  if (from != nullptr) {
    datagram->set_remote_address(
        common::IpAddress::FromSockaddr(from).ToString());
    datagram->set_remote_port(common::SockaddrPort(from));
  }
}

void ReceiveFlow::Flush() {
  uv_check_stop(&flush_check_);
  if (gathered_count_ == 0)
    return;
  if (!frame_.empty()) {
    if (!pipe_->TrySend(frame_.bytes())) {
      // The pipe will not take it now: the stream carries this batch. The
      // renderer reads its pipe before each event, so order holds.
      uint32_t socket_id;
      const absl::Status read = common::DatagramFrame::ForEach(
          frame_.bytes(), &socket_id,
          [this](absl::string_view data, const sockaddr* from) {
            AddToEvent(data, from);
          });
      if (!read.ok())
        LOG(ERROR) << "a frame of our own did not read back: " << read;
    }
    frame_.Begin(pipe_socket_id_);
  }
  if (gathered_.has_received())
    stream_->Write(std::move(gathered_));
  gathered_.Clear();
  gathered_count_ = 0;
  if (stream_->OutboxBytes() >= RendererStream::kPauseBytes)
    Update();
}

void ReceiveFlow::Close(absl::AnyInvocable<void()> closed) {
  CHECK(!closing_) << "Close() is once";
  if (pipe_ != nullptr)
    pipe_->Unregister(pipe_socket_id_);
  if (receiving_)
    socket_->StopReceiving();
  receiving_ = false;
  closing_ = true;
  closed_ = std::move(closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_check_),
           [](uv_handle_t* handle) {
             auto* flow = static_cast<ReceiveFlow*>(handle->data);
             absl::AnyInvocable<void()> closed = std::move(flow->closed_);
             closed();
           });
}

}  // namespace network_service
