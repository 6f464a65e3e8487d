#include "renderer/js/js_runtime.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node.h"

namespace renderer {
namespace {

// Runs in Node's own context, with require: it builds the app's context
// from web globals only, then links (no imports) and evaluates the module.
// The app's name and source arrive as globals set just before.
constexpr char kBootstrap[] = R"JS(
'use strict';
const vm = require('vm');
const web = require('stream/web');
const { name, source } = globalThis.__dsockApp;
delete globalThis.__dsockApp;
const globals = {
  console, setTimeout, clearTimeout, setInterval, clearInterval,
  queueMicrotask, structuredClone, TextEncoder, TextDecoder,
  AbortController, AbortSignal, EventTarget, Event, DOMException,
  ReadableStream: web.ReadableStream, WritableStream: web.WritableStream,
  TransformStream: web.TransformStream,
};
const context = vm.createContext(globals, { name });
const module = new vm.SourceTextModule(source, { context, identifier: name });
const fail = (error) => {
  const named = error && error.name ? error.name : 'Error';
  const message = error && error.message !== undefined ? error.message : String(error);
  console.error(`${name}: uncaught ${named}: ${message}`);
  process.exitCode = 1;
};
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
(async () => {
  await module.link((specifier) => {
    throw new TypeError(
      `import of "${specifier}" is not available to isolated web app code here`);
  });
  await module.evaluate();
})().catch(fail);
)JS";

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

int JsRuntime::RunModule(const std::string& name, const std::string& source) {
  std::vector<std::string> errors;
  std::unique_ptr<node::CommonEnvironmentSetup> setup =
      node::CommonEnvironmentSetup::Create(
          state_->platform.get(), &errors, state_->init->args(),
          state_->init->exec_args());
  if (!setup) {
    for (const std::string& error : errors)
      std::fprintf(stderr, "renderer: %s\n", error.c_str());
    return 1;
  }
  v8::Isolate* isolate = setup->isolate();
  node::Environment* env = setup->env();
  int exit_code = 1;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = setup->context();
    v8::Context::Scope context_scope(context);
    // Hand the app to the bootstrap as plain strings (never as code).
    v8::Local<v8::Object> app = v8::Object::New(isolate);
    auto string = [isolate](const std::string& text) {
      return v8::String::NewFromUtf8(isolate, text.data(),
                                     v8::NewStringType::kNormal,
                                     static_cast<int>(text.size()))
          .ToLocalChecked();
    };
    app->Set(context, string("name"), string(name)).Check();
    app->Set(context, string("source"), string(source)).Check();
    context->Global()->Set(context, string("__dsockApp"), app).Check();
    if (node::LoadEnvironment(env, kBootstrap).IsEmpty())
      return 1;
    exit_code = node::SpinEventLoop(env).FromMaybe(1);
    node::Stop(env);
  }
  return exit_code;
}

}  // namespace renderer
