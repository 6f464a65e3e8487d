#include "tests/hostile/raw_renderer.h"

#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace tests {

namespace v1 = ::direct_sockets::v1;

RawRenderer::RawRenderer(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  channel_ = grpc::CreateInsecureChannelFromFd("hostile", fd);
  stub_ = v1::NetworkService::NewStub(channel_);
}

std::unique_ptr<RawRenderer::RawSocket> RawRenderer::NewSocket() {
  return std::make_unique<RawSocket>(stub_.get());
}

RawRenderer::RawSocket::RawSocket(v1::NetworkService::Stub* stub) {
  context_.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  stream_ = stub->OpenUDPSocket(&context_);
}

RawRenderer::RawSocket::~RawSocket() {
  if (!finished_) {
    context_.TryCancel();
    Finish();
  }
}

bool RawRenderer::RawSocket::Open(const v1::OpenUDPSocket& open) {
  v1::UDPSocketRequest request;
  request.set_request_id(next_request_id_++);
  *request.mutable_open() = open;
  if (!stream_->Write(request)) {
    Finish();
    return false;
  }
  v1::UDPSocketEvent event;
  while (stream_->Read(&event)) {
    if (event.has_opened()) {
      opened_ = event.opened();
      return true;
    }
  }
  Finish();
  return false;
}

v1::Status RawRenderer::RawSocket::Call(v1::UDPSocketRequest request) {
  const uint64_t id = next_request_id_++;
  request.set_request_id(id);
  v1::Status status;
  status.set_code(-1);
  status.set_message("the stream ended before the result");
  if (!stream_->Write(request))
    return status;
  v1::UDPSocketEvent event;
  while (stream_->Read(&event)) {
    if (event.has_received()) {
      for (const v1::Datagram& datagram : event.received().datagrams())
        received_.push_back(datagram);
    }
    if (event.has_result() && event.result().request_id() == id)
      return event.result().status();
    if (event.has_socket_error())
      return event.socket_error();
  }
  Finish();
  status.set_message(end_status_.error_message());
  return status;
}

bool RawRenderer::RawSocket::Write(const v1::UDPSocketRequest& request) {
  return stream_->Write(request);
}

bool RawRenderer::RawSocket::Read(v1::UDPSocketEvent* event) {
  return stream_->Read(event);
}

grpc::Status RawRenderer::RawSocket::Finish() {
  if (finished_)
    return end_status_;
  finished_ = true;
  stream_->WritesDone();
  v1::UDPSocketEvent event;
  while (stream_->Read(&event)) {
  }
  end_status_ = stream_->Finish();
  return end_status_;
}

v1::OpenUDPSocket BoundOpen(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_bound()->set_local_address(address);
  open.mutable_bound()->set_local_port(port);
  return open;
}

v1::OpenUDPSocket ConnectedOpen(const std::string& address, uint32_t port) {
  v1::OpenUDPSocket open;
  open.mutable_connected()->set_remote_address(address);
  open.mutable_connected()->set_remote_port(port);
  return open;
}

v1::UDPSocketRequest SendTo(const std::string& address,
                            uint32_t port,
                            const std::string& data) {
  v1::UDPSocketRequest request;
  v1::Datagram* datagram = request.mutable_send()->add_datagrams();
  datagram->set_remote_address(address);
  datagram->set_remote_port(port);
  datagram->set_data(data);
  return request;
}

v1::UDPSocketRequest SendConnected(const std::string& data, int count) {
  v1::UDPSocketRequest request;
  for (int i = 0; i < count; ++i)
    request.mutable_send()->add_datagrams()->set_data(data);
  return request;
}

v1::UDPSocketRequest Join(const std::string& group) {
  v1::UDPSocketRequest request;
  request.mutable_join_group()->set_group_address(group);
  return request;
}

v1::UDPSocketRequest ReceiveMore(uint32_t count) {
  v1::UDPSocketRequest request;
  request.mutable_receive_more()->set_num_additional_datagrams(count);
  return request;
}

namespace {

// The value of `field` in a /proc/net/snmp-style table whose rows come in
// pairs (names, then values) headed by `prefix`.
int64_t SnmpPairValue(const std::string& path,
                      const std::string& prefix,
                      const std::string& field) {
  std::ifstream file(path);
  std::string names, values;
  while (std::getline(file, names)) {
    if (names.rfind(prefix, 0) != 0 || !std::getline(file, values))
      continue;
    std::vector<std::string> n = absl::StrSplit(names, ' ', absl::SkipEmpty());
    std::vector<std::string> v = absl::StrSplit(values, ' ', absl::SkipEmpty());
    for (size_t i = 0; i < n.size() && i < v.size(); ++i) {
      int64_t value;
      if (n[i] == field && absl::SimpleAtoi(v[i], &value))
        return value;
    }
  }
  return -1;
}

// The value of `field` in a /proc/net/snmp6-style table (name value rows).
int64_t Snmp6Value(const std::string& field) {
  std::ifstream file("/proc/net/snmp6");
  std::string name;
  int64_t value;
  while (file >> name >> value) {
    if (name == field)
      return value;
  }
  return -1;
}

}  // namespace

int64_t UDPDatagramsSentByKernel() {
  return SnmpPairValue("/proc/net/snmp", "Udp:", "OutDatagrams") +
         Snmp6Value("Udp6OutDatagrams");
}

}  // namespace tests
