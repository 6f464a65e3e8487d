#include "tests/hostile/raw_http2.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace tests {
namespace {

// HPACK's integer with an N-bit prefix (RFC 7541 section 5.1); the prefix
// bits above N are `high`.
std::string HpackInteger(uint64_t value, int prefix_bits, uint8_t high) {
  std::string out;
  const uint64_t max_prefix = (1u << prefix_bits) - 1;
  if (value < max_prefix) {
    out.push_back(static_cast<char>(high | value));
    return out;
  }
  out.push_back(static_cast<char>(high | max_prefix));
  value -= max_prefix;
  while (value >= 128) {
    out.push_back(static_cast<char>((value % 128) + 128));
    value /= 128;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

}  // namespace

RawHttp2Connection::RawHttp2Connection(int fd) : fd_(fd) {
  timeval timeout{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  drain_ = std::thread([this] { Drain(); });
}

void RawHttp2Connection::Drain() {
  std::string pending;
  char buffer[65536];
  while (true) {
    const ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    pending.append(buffer, static_cast<size_t>(n));
    // Whole frames: 9 header bytes, then the payload.
    size_t at = 0;
    while (pending.size() - at >= 9) {
      const auto* h = reinterpret_cast<const uint8_t*>(pending.data() + at);
      const size_t length = (h[0] << 16) | (h[1] << 8) | h[2];
      if (pending.size() - at < 9 + length)
        break;
      if (h[3] == kPing && (h[4] & 0x1) != 0 && length == 8) {
        uint64_t payload = 0;
        for (int i = 0; i < 8; ++i)
          payload = (payload << 8) | h[9 + i];
        absl::MutexLock lock(&mutex_);
        ping_acks_.insert(payload);
      }
      at += 9 + length;
    }
    pending.erase(0, at);
  }
  closed_by_service_ = true;
  absl::MutexLock lock(&mutex_);
  ended_ = true;
}

bool RawHttp2Connection::Sync(absl::Duration timeout) {
  const uint64_t id = (uint64_t{0x53594e43} << 32) | next_ping_++;
  std::string payload;
  for (int shift = 56; shift >= 0; shift -= 8)
    payload.push_back(static_cast<char>(id >> shift));
  const bool sent = SendFrame(kPing, 0, 0, payload);
  absl::MutexLock lock(&mutex_);
  if (!sent) {
    // The service closed the channel: wait (bounded) for the drain thread
    // to read its end, so closed_by_service() says so.
    mutex_.AwaitWithTimeout(absl::Condition(&ended_), timeout);
    return false;
  }
  auto answered = [this, id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return ended_ || ping_acks_.count(id) > 0;
  };
  mutex_.AwaitWithTimeout(absl::Condition(&answered), timeout);
  return ping_acks_.count(id) > 0;
}

RawHttp2Connection::~RawHttp2Connection() {
  shutdown(fd_, SHUT_RDWR);  // Ends the drain thread's read.
  drain_.join();
  close(fd_);
}

bool RawHttp2Connection::SendBytes(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawHttp2Connection::SendFrame(uint8_t type,
                                   uint8_t flags,
                                   uint32_t stream,
                                   absl::string_view payload) {
  std::string frame;
  frame.reserve(9 + payload.size());
  const uint32_t length = static_cast<uint32_t>(payload.size());
  frame.push_back(static_cast<char>(length >> 16));
  frame.push_back(static_cast<char>(length >> 8));
  frame.push_back(static_cast<char>(length));
  frame.push_back(static_cast<char>(type));
  frame.push_back(static_cast<char>(flags));
  frame.push_back(static_cast<char>((stream >> 24) & 0x7f));
  frame.push_back(static_cast<char>(stream >> 16));
  frame.push_back(static_cast<char>(stream >> 8));
  frame.push_back(static_cast<char>(stream));
  frame.append(payload.data(), payload.size());
  return SendBytes(frame);
}

bool RawHttp2Connection::Handshake() {
  return SendBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") &&
         SendFrame(kSettings, 0, 0, "");
}

std::string RawHttp2Connection::HpackLiteral(absl::string_view name,
                                             absl::string_view value) {
  std::string out(1, '\0');  // Literal without indexing, new name.
  out += HpackInteger(name.size(), 7, 0);
  out.append(name.data(), name.size());
  out += HpackInteger(value.size(), 7, 0);
  out.append(value.data(), value.size());
  return out;
}

std::string RawHttp2Connection::OpenUDPSocketHeaders(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string block = HpackLiteral(":method", "POST") +
                      HpackLiteral(":scheme", "http") +
                      HpackLiteral(":path",
                                   "/direct_sockets.v1.NetworkService/"
                                   "OpenUDPSocket") +
                      HpackLiteral(":authority", "localhost") +
                      HpackLiteral("content-type", "application/grpc") +
                      HpackLiteral("te", "trailers");
  for (const auto& [name, value] : extra)
    block += HpackLiteral(name, value);
  return block;
}

}  // namespace tests
