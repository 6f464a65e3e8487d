#ifndef RENDERER_SCRIPT_ERROR_H_
#define RENDERER_SCRIPT_ERROR_H_

#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"

namespace renderer {

// An exception as a page would see it: a TypeError, or a DOMException with
// its name ("NetworkError", "InvalidStateError", ...). A value type; any
// thread.
class ScriptError {
 public:
  static ScriptError TypeError(std::string message);
  static ScriptError DomException(std::string name, std::string message);
  // Maps an error status (ours or the network service's) to the web error:
  // INVALID_ARGUMENT -> TypeError, FAILED_PRECONDITION -> InvalidStateError,
  // PERMISSION_DENIED -> NotAllowedError, ABORTED/CANCELLED -> AbortError,
  // anything else -> NetworkError. The message is kept.
  static ScriptError FromStatus(const absl::Status& status);

  // The same error with `prefix` before its message: Blink's form for what
  // an operation throws ("Failed to construct 'UDPSocket': ...").
  ScriptError Prefixed(const std::string& prefix) const {
    return ScriptError(name_, prefix + message_);
  }

  bool is_type_error() const { return name_ == "TypeError"; }
  // "TypeError" or the DOMException's name.
  const std::string& name() const { return name_; }
  const std::string& message() const { return message_; }
  // "NetworkError: the network service went away".
  std::string ToString() const { return name_ + ": " + message_; }

 private:
  ScriptError(std::string name, std::string message)
      : name_(std::move(name)), message_(std::move(message)) {}

  std::string name_;
  std::string message_;
};

// A value or the exception a binding would throw instead.
template <typename T>
class ScriptErrorOr {
 public:
  ScriptErrorOr(T value) : data_(std::move(value)) {}  // NOLINT: implicit.
  ScriptErrorOr(ScriptError error) : data_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const ScriptError& error() const { return std::get<ScriptError>(data_); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, ScriptError> data_;
};

}  // namespace renderer

#endif  // RENDERER_SCRIPT_ERROR_H_
