#include "network_service/http2_guard.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace network_service {
namespace {

constexpr uint8_t kHeaders = 1, kRstStream = 3, kSettings = 4, kPing = 6,
                  kContinuation = 9;
constexpr uint8_t kFlagEndStream = 0x1, kFlagAck = 0x1;
constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kPrefaceSize = sizeof(kPreface) - 1;

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void SetBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
}

}  // namespace

// Splits a byte stream into frame headers, however reads cut it: it is
// given each chunk and calls back with (type, flags, stream, length) for
// every frame header it completes; payload bytes are only counted.
class Http2Guard::FrameReader {
 public:
  struct Frame {
    uint8_t type;
    uint8_t flags;
    uint32_t stream;
    uint32_t length;
  };

  explicit FrameReader(size_t skip) : skip_(skip) {}

  template <typename OnFrame>
  bool Feed(const char* data, size_t size, OnFrame&& on_frame) {
    while (size > 0) {
      if (skip_ > 0) {  // The preface, or a payload.
        const size_t n = std::min(skip_, size);
        skip_ -= n;
        data += n;
        size -= n;
        continue;
      }
      const size_t n = std::min(sizeof(header_) - have_, size);
      std::memcpy(header_ + have_, data, n);
      have_ += n;
      data += n;
      size -= n;
      if (have_ < sizeof(header_))
        continue;
      have_ = 0;
      Frame frame{header_[3], header_[4],
                  ((uint32_t{header_[5]} & 0x7f) << 24) |
                      (uint32_t{header_[6]} << 16) |
                      (uint32_t{header_[7]} << 8) | header_[8],
                  (uint32_t{header_[0]} << 16) | (uint32_t{header_[1]} << 8) |
                      header_[2]};
      skip_ = frame.length;
      if (!on_frame(frame))
        return false;
    }
    return true;
  }

 private:
  size_t skip_;
  uint8_t header_[9];
  size_t have_ = 0;
};

absl::StatusOr<std::unique_ptr<Http2Guard>> Http2Guard::Start(
    int renderer_fd,
    const Limits& limits,
    ViolationHandler on_violation,
    int* grpc_fd) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    close(renderer_fd);
    return absl::ResourceExhaustedError(
        absl::StrCat("socketpair: ", std::strerror(errno)));
  }
  SetBlocking(renderer_fd);
  // gRPC's poller needs its end non-blocking; the guard's ends block.
  fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK);
  *grpc_fd = pair[0];
  return std::unique_ptr<Http2Guard>(
      new Http2Guard(renderer_fd, pair[1], limits, std::move(on_violation)));
}

Http2Guard::Http2Guard(int renderer_fd,
                       int service_fd,
                       const Limits& limits,
                       ViolationHandler on_violation)
    : renderer_fd_(renderer_fd),
      service_fd_(service_fd),
      limits_(limits),
      on_violation_(std::move(on_violation)) {
  from_renderer_ = std::thread([this] { ForwardFromRenderer(); });
  from_service_ = std::thread([this] { ForwardFromService(); });
}

Http2Guard::~Http2Guard() {
  Shut("");
  from_renderer_.join();
  from_service_.join();
}

bool Http2Guard::finished() const {
  absl::MutexLock lock(&mutex_);
  return directions_done_ == 2;
}

void Http2Guard::Shut(const std::string& why) {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_)
      return;
    shut_ = true;
    // Both threads' reads return; gRPC sees its end close. (Under the
    // mutex: once both threads are done the descriptors are closed, and
    // their numbers may belong to other files.)
    if (!fds_closed_) {
      shutdown(renderer_fd_, SHUT_RDWR);
      shutdown(service_fd_, SHUT_RDWR);
    }
  }
  if (!why.empty() && on_violation_)
    on_violation_(why);
}

void Http2Guard::DirectionDone() {
  absl::MutexLock lock(&mutex_);
  if (++directions_done_ < 2)
    return;
  // Neither thread reads or writes any more: the channel's descriptors go
  // now, not when main() next reaps finished guards.
  close(renderer_fd_);
  close(service_fd_);
  fds_closed_ = true;
}

void Http2Guard::ForwardFromRenderer() {
  FrameReader reader(kPrefaceSize);
  size_t header_block = 0;
  size_t pings = 0, settings = 0;
  uint32_t last_new_stream = 0;
  std::string why;
  auto check = [&](const FrameReader::Frame& frame) {
    switch (frame.type) {
      case kHeaders: {
        header_block = frame.length;
        if (frame.stream > last_new_stream) {
          last_new_stream = frame.stream;
          absl::MutexLock lock(&mutex_);
          open_streams_.insert(frame.stream);
          if (open_streams_.size() > limits_.max_open_streams) {
            why = absl::StrCat("more than ", limits_.max_open_streams,
                               " streams open at once");
            return false;
          }
        }
        break;
      }
      case kContinuation:
        header_block += frame.length;
        break;
      case kRstStream: {
        absl::MutexLock lock(&mutex_);
        open_streams_.erase(frame.stream);
        break;
      }
      case kPing:
        if ((frame.flags & kFlagAck) == 0 && ++pings > limits_.max_pings) {
          why = absl::StrCat("more than ", limits_.max_pings, " PINGs");
          return false;
        }
        break;
      case kSettings:
        if ((frame.flags & kFlagAck) == 0 &&
            ++settings > limits_.max_settings) {
          why = absl::StrCat("more than ", limits_.max_settings,
                             " SETTINGS frames");
          return false;
        }
        break;
      default:
        break;
    }
    if ((frame.type == kHeaders || frame.type == kContinuation) &&
        header_block > limits_.max_header_block_bytes) {
      why = absl::StrCat("a header block of more than ",
                         limits_.max_header_block_bytes, " bytes");
      return false;
    }
    return true;
  };
  char buffer[64 * 1024];
  bool renderer_ended = false;
  while (true) {
    const ssize_t n = read(renderer_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      renderer_ended = true;
      break;
    }
    // Checked before it is forwarded: gRPC never sees a frame past a limit.
    if (!reader.Feed(buffer, static_cast<size_t>(n), check))
      break;
    if (!WriteAll(service_fd_, buffer, static_cast<size_t>(n)))
      break;
  }
  if (!why.empty() || !renderer_ended) {
    Shut(why);  // A violation, or gRPC's end is gone.
  } else {
    shutdown(service_fd_, SHUT_WR);  // The renderer's end: gRPC's EOF.
  }
  DirectionDone();
}

void Http2Guard::ForwardFromService() {
  FrameReader reader(0);
  auto track = [&](const FrameReader::Frame& frame) {
    const bool ends =
        frame.type == kRstStream ||
        (frame.type == kHeaders && (frame.flags & kFlagEndStream) != 0);
    if (ends) {
      absl::MutexLock lock(&mutex_);
      open_streams_.erase(frame.stream);
    }
    return true;
  };
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = read(service_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    reader.Feed(buffer, static_cast<size_t>(n), track);
    if (!WriteAll(renderer_fd_, buffer, static_cast<size_t>(n)))
      break;
  }
  // gRPC closed the channel (or the renderer stopped reading): it is over
  // both ways.
  Shut("");
  DirectionDone();
}

}  // namespace network_service
