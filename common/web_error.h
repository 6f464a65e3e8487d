#ifndef COMMON_WEB_ERROR_H_
#define COMMON_WEB_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace common {

// The DOMException a page gets for `status` when it is not the one its code
// maps to (Chrome 156's InvalidAccessError for a Local Network Access
// refusal), carried as a payload of the status: on the wire
// (common/service_status.h) and to the renderer's ScriptError. Pure; any
// thread.
absl::Status WithWebError(absl::Status status, absl::string_view name);
// That name, or empty.
std::string WebErrorOf(const absl::Status& status);

// A host name that resolves to nothing, as Chrome 156 answers it
// (NetworkError "Hostname couldn't be resolved."), with `detail`, if any,
// after Chrome's sentence in parentheses.
absl::Status HostNotResolved(absl::string_view detail = "");

}  // namespace common

#endif  // COMMON_WEB_ERROR_H_
