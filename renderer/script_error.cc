#include "renderer/script_error.h"

#include "common/web_error.h"

namespace renderer {

ScriptError ScriptError::TypeError(std::string message) {
  return ScriptError("TypeError", std::move(message));
}

ScriptError ScriptError::DomException(std::string name, std::string message) {
  return ScriptError(std::move(name), std::move(message));
}

ScriptError ScriptError::FromStatus(const absl::Status& status) {
  std::string message(status.message());
  if (std::string name = common::WebErrorOf(status); !name.empty())
    return DomException(name, std::move(message));
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return TypeError(std::move(message));
    case absl::StatusCode::kFailedPrecondition:
      return DomException("InvalidStateError", std::move(message));
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return DomException("NotAllowedError", std::move(message));
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
      return DomException("AbortError", std::move(message));
    default:
      return DomException("NetworkError", std::move(message));
  }
}

}  // namespace renderer
