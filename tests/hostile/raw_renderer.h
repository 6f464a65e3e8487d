#ifndef TESTS_HOSTILE_RAW_RENDERER_H_
#define TESTS_HOSTILE_RAW_RENDERER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/udp_socket.grpc.pb.h"

namespace tests {

// A compromised renderer: it skips the renderer library and writes whatever
// gRPC messages it likes on the channel a real host bound to its app. Each
// RawSocket is one OpenUDPSocket stream. Used on the test's main thread; the
// calls block, each bounded by a deadline.
class RawRenderer {
 public:
  // `fd` is the renderer's end of a host-bound channel (owned from here).
  explicit RawRenderer(int fd);

  // One socket stream. Every call is bounded (10 s).
  class RawSocket {
   public:
    explicit RawSocket(direct_sockets::v1::NetworkService::Stub* stub);
    ~RawSocket();

    // Writes `open`; true once `opened` comes back (kept in opened()).
    // Otherwise the stream's end status is in end_status().
    bool Open(const direct_sockets::v1::OpenUDPSocket& open);
    const direct_sockets::v1::Opened& opened() const { return opened_; }
    // Writes `request` and returns the status of its result (events that
    // are not its result are kept in received()).
    direct_sockets::v1::Status Call(
        direct_sockets::v1::UDPSocketRequest request);
    // Writes `request` and does not wait for anything.
    bool Write(const direct_sockets::v1::UDPSocketRequest& request);
    // Reads one event (false at the stream's end).
    bool Read(direct_sockets::v1::UDPSocketEvent* event);
    // Ends the stream from this side and collects its status.
    grpc::Status Finish();
    const grpc::Status& end_status() const { return end_status_; }
    const std::vector<direct_sockets::v1::Datagram>& received() const {
      return received_;
    }
    grpc::ClientContext& context() { return context_; }

   private:
    grpc::ClientContext context_;
    std::unique_ptr<
        grpc::ClientReaderWriter<direct_sockets::v1::UDPSocketRequest,
                                 direct_sockets::v1::UDPSocketEvent>>
        stream_;
    uint64_t next_request_id_ = 1;
    bool finished_ = false;
    grpc::Status end_status_;
    direct_sockets::v1::Opened opened_;
    std::vector<direct_sockets::v1::Datagram> received_;
  };

  std::unique_ptr<RawSocket> NewSocket();
  direct_sockets::v1::NetworkService::Stub* stub() { return stub_.get(); }
  // The channel itself, for calls a renderer's library never makes.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<direct_sockets::v1::NetworkService::Stub> stub_;
};

// Requests as a renderer would write them.
direct_sockets::v1::OpenUDPSocket BoundOpen(const std::string& address,
                                            uint32_t port);
direct_sockets::v1::OpenUDPSocket ConnectedOpen(const std::string& address,
                                                uint32_t port);
direct_sockets::v1::UDPSocketRequest SendTo(const std::string& address,
                                            uint32_t port,
                                            const std::string& data);
direct_sockets::v1::UDPSocketRequest SendConnected(const std::string& data,
                                                   int count = 1);
direct_sockets::v1::UDPSocketRequest Join(const std::string& group);
direct_sockets::v1::UDPSocketRequest ReceiveMore(uint32_t count);

// UDP datagrams this network namespace's kernel has sent, IPv4 and IPv6
// (/proc/net/snmp Udp OutDatagrams + /proc/net/snmp6 Udp6OutDatagrams):
// what went out, whatever any process claims.
int64_t UDPDatagramsSentByKernel();

}  // namespace tests

#endif  // TESTS_HOSTILE_RAW_RENDERER_H_
