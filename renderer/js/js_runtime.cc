#include "renderer/js/js_runtime.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node.h"
#include "renderer/js/udp_socket_binding.h"
#include "uv.h"

namespace renderer {
namespace {

// Makes the app's realm and runs the app (bootstrap.js).
constexpr char kBootstrap[] =
#include "renderer/js/bootstrap.js.inc"
    ;

// The realm's web globals (web_realm.js) and its WHATWG streams
// (web-streams-polyfill, as Debian's node-fetch ships it).
constexpr char kWebRealm[] =
#include "renderer/js/web_realm.js.inc"
    ;
constexpr char kWebStreams[] =
#include "renderer/js/web_streams_polyfill.js.inc"
    ;
// Events of the realm (web_events.js).
constexpr char kWebEvents[] =
#include "renderer/js/web_events.js.inc"
    ;
// Dedicated workers and Trusted Types (web_workers.js).
constexpr char kWebWorkers[] =
#include "renderer/js/web_workers.js.inc"
    ;

// fetch() of the app's own files (web_fetch.js).
constexpr char kWebFetch[] =
#include "renderer/js/web_fetch.js.inc"
    ;

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

// `setCodeGenerationMessage(global, message)`: what EvalError says when
// code in `global`'s realm evaluates a string (which that realm's
// codeGeneration option forbids), as Chrome says it under an IWA's CSP.
void SetCodeGenerationMessage(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (info.Length() < 2 || !info[0]->IsObject() || !info[1]->IsString())
    return;
  v8::Local<v8::Context> realm;
  if (!info[0].As<v8::Object>()->GetCreationContext().ToLocal(&realm))
    return;
  realm->SetErrorMessageForCodeGenerationFromStrings(info[1].As<v8::String>());
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
  v8::Local<v8::Function> set_message =
      v8::FunctionTemplate::New(isolate, SetCodeGenerationMessage)
          ->GetFunction(context)
          .ToLocalChecked();
  exports
      ->Set(context,
            v8::String::NewFromUtf8Literal(isolate, "setCodeGenerationMessage"),
            set_message)
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
      // Hand the app and the realm's scripts to the bootstrap as plain
      // strings (the app's is never run as code here).
      v8::Local<v8::Object> app = v8::Object::New(isolate);
      const std::pair<const char*, std::string> strings[] = {
          {"name", name},
          {"source", source},
          {"webApi", kWebApi},
          {"webRealm", kWebRealm},
          {"webStreams", kWebStreams},
          {"webWorkers", kWebWorkers},
          {"webFetch", kWebFetch},
          {"webEvents", kWebEvents},
      };
      for (const auto& [key, text] : strings)
        app->Set(context, ToV8(isolate, key), ToV8(isolate, text)).Check();
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
