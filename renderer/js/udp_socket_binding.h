#ifndef RENDERER_JS_UDP_SOCKET_BINDING_H_
#define RENDERER_JS_UDP_SOCKET_BINDING_H_

#include <cstdint>
#include <memory>

#include "common/event_loop.h"
#include "renderer/network_service_connection.h"
#include "v8.h"

namespace renderer {

// The native half of the page-facing API (direct_sockets.js is the JS
// half): plain functions that create a C++ UDPSocket and reach its open
// info, streams and MulticastController by a handle. Every result comes
// back through a callback, called with node::MakeCallback on the
// renderer's loop (so promise jobs run after it and a throw is an uncaught
// error, as for any Node callback); errors come as [name, message] pairs
// that the JS half turns into TypeError / DOMException of the app's realm.
// An open socket keeps the loop alive, as an open socket keeps a page busy;
// a closed one is freed when JS drops its handle.
// Owned by JsRuntime, one per JS environment; loop (main) thread only.
class UDPSocketBinding {
 public:
  UDPSocketBinding(v8::Isolate* isolate,
                   common::EventLoop* loop,
                   NetworkServiceConnection* connection);
  UDPSocketBinding(const UDPSocketBinding&) = delete;
  UDPSocketBinding& operator=(const UDPSocketBinding&) = delete;
  // Closes every socket still open. Call while the isolate is alive.
  ~UDPSocketBinding();

  // Puts the functions on `exports` (in `context`, Node's main realm).
  void Install(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

  // Closes every socket and drops every pending callback: the app is over.
  void CloseAll();

  // Sockets whose `closed` has not settled.
  int open_sockets() const;

  // Shared with the native functions and the promise callbacks (which hold
  // it weakly: they may outlive the binding).
  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace renderer

#endif  // RENDERER_JS_UDP_SOCKET_BINDING_H_
