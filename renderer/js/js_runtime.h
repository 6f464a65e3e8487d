#ifndef RENDERER_JS_JS_RUNTIME_H_
#define RENDERER_JS_JS_RUNTIME_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace renderer {

// The renderer's JavaScript engine: V8 through Debian's libnode (Node 18),
// used only as an engine. App code runs as an ES module in a context of its
// own that holds the web globals a page in an isolated app sees (console,
// timers, queueMicrotask, TextEncoder/TextDecoder, streams, AbortController,
// EventTarget, DOMException, structuredClone) and none of Node's (require,
// process, Buffer, node: modules). One per process; main thread.
//
// Not yet: the UDPSocket binding, and running on the renderer's own libuv
// loop (Node's loop is used for now) — issue 7's next slices.
class JsRuntime {
 public:
  // Starts V8 once for the process.
  static absl::StatusOr<std::unique_ptr<JsRuntime>> Create();
  JsRuntime(const JsRuntime&) = delete;
  JsRuntime& operator=(const JsRuntime&) = delete;
  ~JsRuntime();

  // Runs `source` as the module `name` until nothing is left to do. Returns
  // 0 when it finished, 1 when it threw or a promise rejected unhandled
  // (the error's name and message are printed on stderr).
  int RunModule(const std::string& name, const std::string& source);

 private:
  JsRuntime();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace renderer

#endif  // RENDERER_JS_JS_RUNTIME_H_
