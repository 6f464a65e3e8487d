#ifndef RENDERER_JS_JS_RUNTIME_H_
#define RENDERER_JS_JS_RUNTIME_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/event_loop.h"
#include "renderer/network_service_connection.h"

namespace renderer {

// The renderer's JavaScript engine: V8 through Debian's libnode (Node 18),
// used only as an engine. App code runs as an ES module in a context of its
// own that holds the web globals a page in an isolated app sees (console,
// timers, queueMicrotask, TextEncoder/TextDecoder, streams, AbortController,
// EventTarget, DOMException, structuredClone) and none of Node's (require,
// process, Buffer, node: modules). One per process; main thread.
//
// It runs on the renderer's own libuv loop, and gives the app UDPSocket and
// MulticastController (direct_sockets.js over UDPSocketBinding) on the
// renderer's connection to the network service.
class JsRuntime {
 public:
  // Starts V8 once for the process.
  static absl::StatusOr<std::unique_ptr<JsRuntime>> Create();
  JsRuntime(const JsRuntime&) = delete;
  JsRuntime& operator=(const JsRuntime&) = delete;
  ~JsRuntime();

  // Runs `source` as the module `name` on `loop` until nothing is left to
  // do (no timer, no open socket). Returns 0 when it finished, 1 when it
  // threw or a promise rejected unhandled (the error's name and message are
  // printed on stderr; its sockets are closed). `connection` outlives this
  // call.
  int RunModule(common::EventLoop* loop,
                NetworkServiceConnection* connection,
                const std::string& name,
                const std::string& source);

 private:
  JsRuntime();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace renderer

#endif  // RENDERER_JS_JS_RUNTIME_H_
