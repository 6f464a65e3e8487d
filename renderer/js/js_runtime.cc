#include "renderer/js/js_runtime.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node.h"
#include "renderer/js/udp_socket_binding.h"
#include "uv.h"

namespace renderer {
namespace {

// Runs in Node's own context, with require: it builds the app's context
// from web globals only, then links (no imports) and evaluates the module.
// The app's name and source arrive as globals set just before.
constexpr char kBootstrap[] = R"JS(
'use strict';
const vm = require('vm');
const web = require('stream/web');
const { name, source, webApi } = globalThis.__dsockApp;
delete globalThis.__dsockApp;
const native = process._linkedBinding('dsock_udp');
const globals = {
  console, setTimeout, clearTimeout, setInterval, clearInterval,
  queueMicrotask, structuredClone, TextEncoder, TextDecoder,
  AbortController, AbortSignal, EventTarget, Event, DOMException,
  ReadableStream: web.ReadableStream, WritableStream: web.WritableStream,
  TransformStream: web.TransformStream,
  ReadableStreamDefaultReader: web.ReadableStreamDefaultReader,
  WritableStreamDefaultWriter: web.WritableStreamDefaultWriter,
  URL, URLSearchParams, atob, btoa, crypto: require('crypto').webcrypto,
  // What an isolated app's window says of itself in Chrome: its origin (the
  // one its host bound its channel to), a secure context, and
  // cross-origin isolated (an IWA is served with COOP and COEP).
  origin: process.env.DSOCK_APP_ORIGIN || 'null',
  isSecureContext: true,
  crossOriginIsolated: true,
};
const context = vm.createContext(globals, { name });
globals.self = vm.runInContext('globalThis', context);
// The web API is made inside the app's realm (its errors and promises are
// the app's own); the native binding stays in this closure.
const install = vm.runInContext(webApi, context, { filename: 'direct_sockets.js' });
const api = install(native);
for (const key of Object.keys(api)) {
  Object.defineProperty(globals, key, {
    value: api[key], writable: true, configurable: true, enumerable: false });
}
const path = require('path');
const fs = require('fs');
const root = path.dirname(path.resolve(name));
let finished = false;
const fail = (error) => {
  const named = error && error.name ? error.name : 'Error';
  const message = error && error.message !== undefined ? error.message : String(error);
  console.error(`${name}: uncaught ${named}: ${message}`);
  // Where, in the app's own files (not the engine's).
  const stack = error && typeof error.stack === 'string' ? error.stack : '';
  for (const frame of stack.split('\n').filter((l) => l.includes(root)).slice(0, 8)) {
    console.error(frame);
  }
  native.stop(1);
};
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('beforeExit', () => {
  if (!finished) {
    console.error(`${name}: the module's top-level await never settled`);
    native.stop(1);
  }
});
// Modules of the app itself: relative specifiers ('./x.mjs') resolve in
// the app's directory and may not leave it, as an isolated app's imports
// stay in its bundle. Nothing else is importable: no node: modules, no
// bare package names.
const modules = new Map();
function resolveModule(specifier, referrer) {
  const unavailable = () => new TypeError(
      `import of "${specifier}" is not available to isolated web app code here`);
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) throw unavailable();
  const file = path.resolve(path.dirname(referrer), specifier);
  if (!file.startsWith(root + path.sep)) {
    throw new TypeError(`import of "${specifier}" leaves the app's directory`);
  }
  let module = modules.get(file);
  if (!module) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new TypeError(`import of "${specifier}": cannot read ${file} (${error.code})`);
    }
    module = makeModule(text, file);
  }
  return module;
}
function makeModule(text, file) {
  const module = new vm.SourceTextModule(text, {
    context, identifier: file,
    importModuleDynamically: async (specifier, referrer) => {
      const imported = resolveModule(specifier, referrer.identifier);
      await imported.link((s, r) => resolveModule(s, r.identifier));
      await imported.evaluate();
      return imported;
    },
  });
  modules.set(file, module);
  return module;
}
(async () => {
  const module = makeModule(source, path.resolve(name));
  await module.link((specifier, referrer) => resolveModule(specifier, referrer.identifier));
  await module.evaluate();
  finished = true;
})().catch(fail);
)JS";

// The page-facing API, evaluated in the app's realm (direct_sockets.js).
constexpr char kWebApi[] =
#include "renderer/js/direct_sockets.js.inc"
    ;

}  // namespace

struct JsRuntime::State {
  std::unique_ptr<node::InitializationResult> init;
  std::unique_ptr<node::MultiIsolatePlatform> platform;
};

JsRuntime::JsRuntime() : state_(std::make_unique<State>()) {}

JsRuntime::~JsRuntime() {
  if (state_->platform) {
    v8::V8::Dispose();
    v8::V8::DisposePlatform();
    node::TearDownOncePerProcess();
  }
}

absl::StatusOr<std::unique_ptr<JsRuntime>> JsRuntime::Create() {
  std::unique_ptr<JsRuntime> runtime(new JsRuntime());
  // SourceTextModule needs the flag; warnings about it are not the app's.
  std::vector<std::string> args = {"renderer", "--experimental-vm-modules",
                                   "--no-warnings"};
  runtime->state_->init = node::InitializeOncePerProcess(
      args, {node::ProcessFlags::kNoInitializeV8,
             node::ProcessFlags::kNoInitializeNodeV8Platform});
  for (const std::string& error : runtime->state_->init->errors())
    std::fprintf(stderr, "renderer: %s\n", error.c_str());
  if (runtime->state_->init->early_return() != 0) {
    return absl::InternalError("the JavaScript engine did not start");
  }
  runtime->state_->platform = node::MultiIsolatePlatform::Create(2);
  v8::V8::InitializePlatform(runtime->state_->platform.get());
  v8::V8::Initialize();
  return runtime;
}

namespace {

struct Stopper {
  node::Environment* env = nullptr;
  int exit_code = 0;
  bool stopped = false;
};

// `stop(code)`: the app failed; end its environment now (timers and
// sockets included) with `code`.
void Stop(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* stopper =
      static_cast<Stopper*>(info.Data().As<v8::External>()->Value());
  if (stopper->stopped)
    return;
  stopper->stopped = true;
  stopper->exit_code =
      info.Length() > 0
          ? info[0]
                ->Int32Value(info.GetIsolate()->GetCurrentContext())
                .FromMaybe(1)
          : 1;
  node::Stop(stopper->env);
}

struct BindingData {
  UDPSocketBinding* binding;
  Stopper* stopper;
};

void RegisterBinding(v8::Local<v8::Object> exports,
                     v8::Local<v8::Value> /*module*/,
                     v8::Local<v8::Context> context,
                     void* priv) {
  auto* data = static_cast<BindingData*>(priv);
  data->binding->Install(context, exports);
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Function> stop =
      v8::FunctionTemplate::New(isolate, Stop,
                                v8::External::New(isolate, data->stopper))
          ->GetFunction(context)
          .ToLocalChecked();
  exports->Set(context, v8::String::NewFromUtf8Literal(isolate, "stop"), stop)
      .Check();
}

v8::Local<v8::String> ToV8(v8::Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(),
                                 v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

}  // namespace

int JsRuntime::RunModule(common::EventLoop* loop,
                         NetworkServiceConnection* connection,
                         const std::string& name,
                         const std::string& source) {
  std::unique_ptr<node::ArrayBufferAllocator> allocator =
      node::ArrayBufferAllocator::Create();
  // Node runs on the renderer's one loop: gRPC completions posted to it and
  // JS callbacks share a thread.
  v8::Isolate* isolate = node::NewIsolate(allocator.get(), loop->uv_loop(),
                                          state_->platform.get());
  if (isolate == nullptr) {
    std::fprintf(stderr, "renderer: V8 could not make an isolate\n");
    return 1;
  }
  Stopper stopper;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    node::IsolateData* isolate_data = node::CreateIsolateData(
        isolate, loop->uv_loop(), state_->platform.get(), allocator.get());
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = node::NewContext(isolate);
    v8::Context::Scope context_scope(context);
    node::Environment* env = node::CreateEnvironment(
        isolate_data, context, state_->init->args(), state_->init->exec_args(),
        node::EnvironmentFlags::kDefaultFlags);
    stopper.env = env;
    {
      UDPSocketBinding binding(isolate, loop, connection);
      BindingData data{&binding, &stopper};
      node::AddLinkedBinding(env, "dsock_udp", RegisterBinding, &data);
      // Hand the app to the bootstrap as plain strings (never as code).
      v8::Local<v8::Object> app = v8::Object::New(isolate);
      app->Set(context, ToV8(isolate, "name"), ToV8(isolate, name)).Check();
      app->Set(context, ToV8(isolate, "source"), ToV8(isolate, source)).Check();
      app->Set(context, ToV8(isolate, "webApi"), ToV8(isolate, kWebApi))
          .Check();
      context->Global()->Set(context, ToV8(isolate, "__dsockApp"), app).Check();
      int exit_code = 1;
      if (!node::LoadEnvironment(env, kBootstrap).IsEmpty())
        exit_code = node::SpinEventLoop(env).FromMaybe(1);
      if (!stopper.stopped)
        stopper.exit_code = exit_code;
      // Sockets left open close now, before V8 goes.
      binding.CloseAll();
      node::Stop(env);
    }
    node::FreeEnvironment(env);
    node::FreeIsolateData(isolate_data);
  }
  bool platform_finished = false;
  state_->platform->AddIsolateFinishedCallback(
      isolate, [](void* data) { *static_cast<bool*>(data) = true; },
      &platform_finished);
  state_->platform->UnregisterIsolate(isolate);
  isolate->Dispose();
  while (!platform_finished)
    uv_run(loop->uv_loop(), UV_RUN_ONCE);
  return stopper.exit_code;
}

}  // namespace renderer
