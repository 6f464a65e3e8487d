#include "network_service/socket/fake_socket_factory.h"

#include <algorithm>
#include <utility>

#include "common/logging.h"

namespace network_service {

using ::common::IpAddress;

FakeDatagramSocket::FakeDatagramSocket(common::EventLoop* loop,
                                       std::shared_ptr<FakeSocketRecord> record)
    : loop_(loop), record_(std::move(record)) {
  record_->live = this;
}

FakeDatagramSocket::~FakeDatagramSocket() {
  CHECK(record_->closed) << "DatagramSocket's contract: Close() first";
  record_->live = nullptr;
}

absl::Status FakeDatagramSocket::Open(const sockaddr* address,
                                      const Options& options) {
  absl::Status error = std::exchange(next_open_error, absl::OkStatus());
  if (!error.ok())
    return error;
  record_->options = options;
  record_->address = IpAddress::FromSockaddr(address);
  record_->port = common::SockaddrPort(address);
  if (record_->port == 0)
    record_->port = 40000;  // As the kernel picks one.
  return absl::OkStatus();
}

absl::Status FakeDatagramSocket::Bind(const sockaddr* local,
                                      const Options& options) {
  absl::Status opened = Open(local, options);
  record_->bound = opened.ok();
  return opened;
}

absl::Status FakeDatagramSocket::Connect(const sockaddr* remote,
                                         const Options& options) {
  absl::Status opened = Open(remote, options);
  record_->connected = opened.ok();
  return opened;
}

absl::Status FakeDatagramSocket::GetLocalAddress(
    sockaddr_storage* address) const {
  if (record_->bound) {
    record_->address.ToSockaddr(record_->port, address);
  } else {
    IpAddress::Parse(record_->family == AF_INET ? "127.0.0.1" : "::1")
        ->ToSockaddr(40001, address);
  }
  return absl::OkStatus();
}

absl::Status FakeDatagramSocket::GetPeerAddress(
    sockaddr_storage* address) const {
  if (!record_->connected)
    return absl::FailedPreconditionError("not connected");
  record_->address.ToSockaddr(record_->port, address);
  return absl::OkStatus();
}

DatagramSocket::KernelQueue FakeDatagramSocket::GetKernelQueue() const {
  return record_->kernel_queue;
}

absl::Status FakeDatagramSocket::JoinGroup(
    const common::SocketMembership& membership) {
  absl::Status error = std::exchange(next_membership_error, absl::OkStatus());
  if (error.ok())
    record_->memberships.push_back(membership);
  return error;
}

absl::Status FakeDatagramSocket::LeaveGroup(
    const common::SocketMembership& membership) {
  absl::Status error = std::exchange(next_membership_error, absl::OkStatus());
  if (!error.ok())
    return error;
  auto held = std::find(record_->memberships.begin(),
                        record_->memberships.end(), membership);
  CHECK(held != record_->memberships.end())
      << "the request layer leaves only what it joined";
  record_->memberships.erase(held);
  return absl::OkStatus();
}

absl::StatusOr<DatagramSocket::SendResult> FakeDatagramSocket::Send(
    absl::string_view data,
    const sockaddr* to,
    SendDone done) {
  if (!send_result.ok())
    return send_result.status();
  FakeSocketRecord::Sent sent{std::string(data), std::nullopt, 0};
  if (to != nullptr) {
    sent.to = IpAddress::FromSockaddr(to);
    sent.port = common::SockaddrPort(to);
  }
  record_->sent.push_back(std::move(sent));
  if (*send_result == SendResult::kQueued)
    queued_.push_back(std::move(done));
  return *send_result;
}

size_t FakeDatagramSocket::TrySendSegmented(
    absl::Span<const absl::string_view> datagrams,
    const sockaddr* to) {
  if (!takes_segmented_sends || !send_result.ok() ||
      *send_result != SendResult::kSent || !queued_.empty()) {
    return 0;
  }
  for (absl::string_view data : datagrams) {
    FakeSocketRecord::Sent sent{std::string(data), std::nullopt, 0};
    if (to != nullptr) {
      sent.to = IpAddress::FromSockaddr(to);
      sent.port = common::SockaddrPort(to);
    }
    record_->sent.push_back(std::move(sent));
  }
  ++segmented_sends;
  return datagrams.size();
}

bool FakeDatagramSocket::CompleteQueuedSend(absl::Status status) {
  if (queued_.empty())
    return false;
  SendDone done = std::move(queued_.front());
  queued_.pop_front();
  done(std::move(status));
  return true;
}

absl::Status FakeDatagramSocket::StartReceiving(Receiver* receiver) {
  receiver_ = receiver;
  record_->receiving = true;
  return absl::OkStatus();
}

void FakeDatagramSocket::StopReceiving() {
  receiver_ = nullptr;
  record_->receiving = false;
}

void FakeDatagramSocket::Deliver(const std::string& data,
                                 const IpAddress& from,
                                 uint16_t port) {
  if (receiver_ == nullptr)
    return;  // The kernel would keep it; the test asked too early.
  sockaddr_storage address;
  from.ToSockaddr(port, &address);
  receiver_->OnDatagram(data, reinterpret_cast<const sockaddr*>(&address));
}

void FakeDatagramSocket::FailReceiving(absl::Status error) {
  Receiver* receiver = receiver_;
  StopReceiving();
  if (receiver != nullptr)
    receiver->OnReceiveError(std::move(error));
}

void FakeDatagramSocket::Close(absl::AnyInvocable<void()> closed) {
  CHECK(!record_->closed) << "Close() is once";
  record_->closed = true;
  StopReceiving();
  // As libuv: queued sends are cancelled, then the close callback runs,
  // both later, from the loop. The kernel drops the memberships.
  loop_->PostTask([this, closed = std::move(closed)]() mutable {
    while (CompleteQueuedSend(absl::CancelledError("socket closed"))) {
    }
    record_->memberships.clear();
    closed();
  });
}

class FakeSocketFactory::FakeLookup final : public SocketFactory::Lookup {
 public:
  explicit FakeLookup(std::shared_ptr<PendingLookup> pending)
      : pending_(std::move(pending)) {}
  ~FakeLookup() override { pending_->done = nullptr; }

 private:
  std::shared_ptr<PendingLookup> pending_;
};

FakeDatagramSocket* FakeSocketFactory::live_socket() const {
  return sockets_.empty() ? nullptr : sockets_.back()->live;
}

absl::StatusOr<std::unique_ptr<DatagramSocket>>
FakeSocketFactory::CreateUDPSocket(int family) {
  absl::Status error = std::exchange(next_create_error, absl::OkStatus());
  if (!error.ok())
    return error;
  auto record = std::make_shared<FakeSocketRecord>();
  record->family = family;
  sockets_.push_back(record);
  return std::make_unique<FakeDatagramSocket>(loop_, std::move(record));
}

size_t FakeSocketFactory::pending_lookups() const {
  return std::count_if(lookups_.begin(), lookups_.end(),
                       [](const auto& lookup) { return bool(lookup->done); });
}

absl::StatusOr<std::unique_ptr<SocketFactory::Lookup>>
FakeSocketFactory::ResolveHost(const std::string& host,
                               uint16_t port,
                               int family,
                               LookupDone done) {
  last_lookup_host_ = host;
  last_lookup_family_ = family;
  auto pending = std::make_shared<PendingLookup>();
  pending->port = port;
  pending->done = std::move(done);
  lookups_.push_back(pending);
  return std::make_unique<FakeLookup>(std::move(pending));
}

bool FakeSocketFactory::CompleteLookup(
    absl::StatusOr<common::IpAddress> address) {
  while (!lookups_.empty() && !lookups_.front()->done)
    lookups_.pop_front();
  if (lookups_.empty())
    return false;
  std::shared_ptr<PendingLookup> pending = lookups_.front();
  lookups_.pop_front();
  LookupDone done = std::move(pending->done);
  pending->done = nullptr;
  if (!address.ok()) {
    done(address.status());
    return true;
  }
  sockaddr_storage storage;
  address->ToSockaddr(pending->port, &storage);
  done(storage);
  return true;
}

}  // namespace network_service
