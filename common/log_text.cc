#include "common/log_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace common {

std::string LogSafe(absl::string_view text, size_t max_bytes) {
  std::string out;
  const absl::string_view kept = text.substr(0, max_bytes);
  out.reserve(kept.size());
  for (char c : kept) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\' || c == '"') {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    } else {
      out.push_back(c);
    }
  }
  if (text.size() > kept.size())
    absl::StrAppend(&out, "...(+", text.size() - kept.size(), " bytes)");
  return out;
}

}  // namespace common
