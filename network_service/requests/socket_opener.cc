#include "network_service/requests/socket_opener.h"

#include <string>
#include <utility>

#include "network_service/policy_enforcer.h"

namespace network_service {

namespace v1 = ::direct_sockets::v1;
using ::common::IpAddress;

namespace {

// The socket layer's options for a socket opened with `open`.
DatagramSocket::Options OptionsOf(const v1::OpenUDPSocket& open) {
  DatagramSocket::Options options;
  options.send_buffer_size = open.send_buffer_size();
  options.receive_buffer_size = open.receive_buffer_size();
  options.allow_address_sharing = open.multicast_allow_address_sharing();
  options.multicast_ttl = MulticastTtlOf(open);
  options.multicast_loopback = MulticastLoopbackOf(open);
  if (open.has_bound() && open.bound().has_ipv6_only())
    options.ipv6_only = open.bound().ipv6_only();
  return options;
}

int FamilyOfQuery(v1::DnsQueryType type) {
  return type == v1::DNS_QUERY_TYPE_IPV4   ? AF_INET
         : type == v1::DNS_QUERY_TYPE_IPV6 ? AF_INET6
                                           : AF_UNSPEC;
}

}  // namespace

SocketOpener::SocketOpener(SocketFactory* sockets, const AppAccess* access)
    : sockets_(sockets), access_(access) {}

void SocketOpener::Open(const v1::OpenUDPSocket& open,
                        std::unique_ptr<DatagramSocket>* socket,
                        Done done) {
  open_ = &open;
  socket_ = socket;
  done_ = std::move(done);
  // The address to bind (bound mode) or connect to (connected mode), when
  // it is a literal (read as Chromium reads it, the same reading the
  // renderer made); a host name is resolved first.
  const std::string& literal = open.has_bound()
                                   ? open.bound().local_address()
                                   : open.connected().remote_address();
  const uint16_t port =
      static_cast<uint16_t>(open.has_bound() ? open.bound().local_port()
                                             : open.connected().remote_port());
  if (std::optional<IpAddress> ip = IpAddress::Parse(literal)) {
    sockaddr_storage address;
    ip->Unmapped().ToSockaddr(port, &address);
    OpenAt(reinterpret_cast<const sockaddr*>(&address));
    return;
  }
  // A host name: resolved here, in the process that may use the network.
  absl::StatusOr<std::unique_ptr<SocketFactory::Lookup>> lookup =
      sockets_->ResolveHost(
          literal, port, FamilyOfQuery(open.connected().dns_query_type()),
          [this](absl::StatusOr<sockaddr_storage> address) {
            lookup_.reset();
            if (!address.ok()) {
              std::exchange(done_, nullptr)(address.status());
              return;
            }
            OpenAt(reinterpret_cast<const sockaddr*>(&*address));
          });
  if (!lookup.ok()) {
    std::exchange(done_, nullptr)(lookup.status());
    return;
  }
  lookup_ = *std::move(lookup);
}

void SocketOpener::OpenAt(const sockaddr* resolved) {
  Done done = std::exchange(done_, nullptr);
  Opened opened;
  sockaddr_storage storage;
  const sockaddr* address = resolved;
  if (open_->has_connected()) {
    // Decided on the address the socket will really use: after DNS, in the
    // form the kernel reads (an IPv4-mapped peer is its IPv4 address).
    const IpAddress peer = IpAddress::FromSockaddr(resolved).Unmapped();
    const uint16_t port = common::SockaddrPort(resolved);
    absl::Status allowed = access_->CheckPeer(peer, port, *open_);
    if (!allowed.ok()) {
      done(allowed);
      return;
    }
    opened.peer = peer;
    peer.ToSockaddr(port, &storage);
    address = reinterpret_cast<const sockaddr*>(&storage);
  }
  opened.family = address->sa_family;
  absl::StatusOr<std::unique_ptr<DatagramSocket>> socket =
      sockets_->CreateUDPSocket(opened.family);
  if (!socket.ok()) {
    done(socket.status());
    return;
  }
  *socket_ = *std::move(socket);
  const DatagramSocket::Options options = OptionsOf(*open_);
  opened.ipv6_only = options.ipv6_only.value_or(false);
  absl::Status bound = opened.peer ? (*socket_)->Connect(address, options)
                                   : (*socket_)->Bind(address, options);
  if (!bound.ok()) {
    done(bound);
    return;
  }
  done(std::move(opened));
}

}  // namespace network_service
