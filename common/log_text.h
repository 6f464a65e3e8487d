#ifndef COMMON_LOG_TEXT_H_
#define COMMON_LOG_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace common {

// Text that someone else supplied (a renderer's address string, an admin's
// policy value), made fit for a message or a log line: at most `max_bytes`
// of it, with what was cut counted ("...(+1048320 bytes)"), and every byte
// that is not printable ASCII, and the backslash and quote, escaped as \xNN.
// So a line stays one line, valid UTF-8 and short, whatever was sent. Pure;
// any thread.
inline constexpr size_t kMaxQuotedBytes = 128;
std::string LogSafe(absl::string_view text, size_t max_bytes = kMaxQuotedBytes);

}  // namespace common

#endif  // COMMON_LOG_TEXT_H_
