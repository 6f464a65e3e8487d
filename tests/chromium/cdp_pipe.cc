#include "tests/chromium/cdp_pipe.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace tests {

CdpPipe::CdpPipe(int to_browser, int from_browser, EventHandler on_event)
    : to_browser_(to_browser),
      from_browser_(from_browser),
      on_event_(std::move(on_event)) {}

CdpPipe::~CdpPipe() {
  close(to_browser_);
  close(from_browser_);
}

absl::StatusOr<nlohmann::json> CdpPipe::Call(const std::string& method,
                                             nlohmann::json params,
                                             const std::string& session,
                                             absl::Duration timeout) {
  const int64_t id = next_id_++;
  nlohmann::json command = {
      {"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!session.empty())
    command["sessionId"] = session;
  std::string bytes = command.dump();
  bytes.push_back('\0');
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n =
        write(to_browser_, bytes.data() + sent, bytes.size() - sent);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return absl::UnavailableError("the browser closed its pipe");
    sent += static_cast<size_t>(n);
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    while (std::optional<nlohmann::json> next = NextMessage()) {
      nlohmann::json& message = *next;
      if (message.value("id", int64_t{-1}) != id) {
        if (message.contains("method"))
          on_event_(message);
        continue;
      }
      if (message.contains("error")) {
        return absl::UnknownError(
            absl::StrCat(method, ": ", message["error"].dump()));
      }
      return message.value("result", nlohmann::json::object());
    }
    absl::Status more = ReadMore(deadline, method);
    if (!more.ok())
      return more;
  }
}

absl::Status CdpPipe::WaitFor(const std::function<bool()>& done,
                              absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    while (std::optional<nlohmann::json> message = NextMessage()) {
      if (message->contains("method"))
        on_event_(*message);
    }
    if (done())
      return absl::OkStatus();
    absl::Status more = ReadMore(deadline, "waiting for an event");
    if (!more.ok())
      return more;
  }
}

std::optional<nlohmann::json> CdpPipe::NextMessage() {
  for (size_t end; (end = unread_.find('\0')) != std::string::npos;) {
    nlohmann::json message =
        nlohmann::json::parse(unread_.substr(0, end), nullptr, false);
    unread_.erase(0, end + 1);
    if (!message.is_discarded())
      return message;
  }
  return std::nullopt;
}

absl::Status CdpPipe::ReadMore(absl::Time deadline, const std::string& what) {
  while (true) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd readable{from_browser_, POLLIN, 0};
    const int polled =
        left <= 0 ? 0 : poll(&readable, 1, static_cast<int>(left));
    if (polled < 0 && errno == EINTR)
      continue;
    if (polled <= 0)
      return absl::DeadlineExceededError(absl::StrCat(what, ": no answer"));
    char buffer[65536];
    const ssize_t n = read(from_browser_, buffer, sizeof(buffer));
    if (n <= 0)
      return absl::UnavailableError("the browser closed its pipe");
    unread_.append(buffer, static_cast<size_t>(n));
    return absl::OkStatus();
  }
}

}  // namespace tests
