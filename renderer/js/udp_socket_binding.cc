#include "renderer/js/udp_socket_binding.h"

#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "node.h"
#include "renderer/multicast_controller.h"
#include "renderer/udp_socket.h"
#include "renderer/udp_socket_options.h"
#include "uv.h"

namespace renderer {
namespace {

using v8::Array;
using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::Global;
using v8::HandleScope;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

Local<String> Str(Isolate* isolate, const std::string& text) {
  return String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                             static_cast<int>(text.size()))
      .ToLocalChecked();
}

// [name, message]: how the JS half learns of an error.
Local<Value> ErrorPair(Isolate* isolate, const ScriptError& error) {
  Local<Value> items[] = {Str(isolate, error.name()),
                          Str(isolate, error.message())};
  return Array::New(isolate, items, 2);
}

// Values the JS half has already converted by WebIDL rules (strings,
// booleans, integral numbers); undefined (or empty) means absent.
std::optional<std::string> StringOf(Local<Context> context,
                                    Local<Value> value) {
  if (value.IsEmpty() || value->IsUndefined())
    return std::nullopt;
  return *String::Utf8Value(context->GetIsolate(), value);
}

std::optional<int64_t> IntegerOf(Local<Context> context, Local<Value> value) {
  if (value.IsEmpty() || value->IsUndefined())
    return std::nullopt;
  // Out-of-range values stay out of range for the C++ checks, whose
  // messages name the member and the range.
  const double number =
      std::clamp(value->NumberValue(context).FromMaybe(-1.0), -9.0e15, 9.0e15);
  return static_cast<int64_t>(std::trunc(number));
}

std::optional<bool> BoolOf(Local<Context> context, Local<Value> value) {
  if (value.IsEmpty() || value->IsUndefined())
    return std::nullopt;
  return value->BooleanValue(context->GetIsolate());
}

// The members of an options dictionary, by name.
class Members {
 public:
  Members(Local<Context> context, Local<Object> object)
      : context_(context), object_(object) {}

  std::optional<std::string> GetString(const char* name) const {
    return StringOf(context_, Get(name));
  }
  std::optional<int64_t> GetInteger(const char* name) const {
    return IntegerOf(context_, Get(name));
  }
  std::optional<bool> GetBool(const char* name) const {
    return BoolOf(context_, Get(name));
  }

 private:
  Local<Value> Get(const char* name) const {
    return object_->Get(context_, Str(context_->GetIsolate(), name))
        .FromMaybe(Local<Value>());
  }
  Local<Context> context_;
  Local<Object> object_;
};

}  // namespace

struct UDPSocketBinding::Core : std::enable_shared_from_this<Core> {
  // One UDPSocket as JS holds it.
  struct Entry {
    std::shared_ptr<UDPSocket> socket;
    std::optional<UDPSocketOpenInfo> info;
    // The last write; writes settle in order, so when it has, all have.
    std::optional<Promise<Undefined>> last_write;
    bool open = true;  // `closed` has not settled.
    Global<Object> handle;
    // The last sender's address as text and as a string of the page's
    // realm: most datagrams of a socket come from one sender.
    std::string last_address;
    Global<v8::String> last_address_string;
    Core* core = nullptr;
  };
  using ArgsMaker =
      absl::AnyInvocable<std::vector<Local<Value>>(Local<Context>) &&>;

  Core(Isolate* isolate,
       common::EventLoop* loop,
       NetworkServiceConnection* connection)
      : isolate(isolate), loop(loop), connection(connection) {
    keep_alive = new uv_async_t;
    uv_async_init(loop->uv_loop(), keep_alive, nullptr);
    uv_unref(reinterpret_cast<uv_handle_t*>(keep_alive));
  }

  ~Core() {
    uv_close(reinterpret_cast<uv_handle_t*>(keep_alive),
             [](uv_handle_t* handle) {
               delete reinterpret_cast<uv_async_t*>(handle);
             });
  }

  // Holds `callback` until Call(id, ...).
  uint64_t Keep(Local<Function> callback) {
    const uint64_t id = next_callback_id++;
    callbacks.emplace(id, Global<Function>(isolate, callback));
    return id;
  }

  // Calls the kept callback `id` once, with arguments made in its realm.
  void Call(uint64_t id, ArgsMaker make_args) {
    auto it = callbacks.find(id);
    if (it == callbacks.end())
      return;
    HandleScope scope(isolate);
    Local<Function> callback = it->second.Get(isolate);
    callbacks.erase(it);
    Local<Context> realm = callback->GetCreationContextChecked();
    Context::Scope realm_scope(realm);
    std::vector<Local<Value>> args = std::move(make_args)(realm);
    Local<Object> receiver = main_context.Get(isolate)->Global();
    node::MakeCallback(isolate, receiver, callback,
                       static_cast<int>(args.size()), args.data(),
                       node::async_context{0, 0});
  }

  // Calls `callback` when `promise` settles: (null, ...to_js(value)) or
  // ([name, message]).
  template <typename T, typename ToJs>
  void Forward(const Promise<T>& promise,
               Local<Function> callback,
               ToJs to_js) {
    const uint64_t id = Keep(callback);
    promise.Then([weak = weak_from_this(), id, to_js = std::move(to_js)](
                     const typename Promise<T>::Result& result) mutable {
      std::shared_ptr<Core> core = weak.lock();
      if (!core)
        return;
      core->Call(id, [&result, &to_js](Local<Context> realm) {
        Isolate* isolate = realm->GetIsolate();
        if (std::holds_alternative<ScriptError>(result))
          return std::vector<Local<Value>>{
              ErrorPair(isolate, std::get<ScriptError>(result))};
        std::vector<Local<Value>> args = {v8::Null(isolate)};
        for (Local<Value> value : to_js(realm, std::get<T>(result)))
          args.push_back(value);
        return args;
      });
    });
  }

  void ForwardUndefined(const Promise<Undefined>& promise,
                        Local<Function> callback) {
    Forward(promise, callback, [](Local<Context>, const Undefined&) {
      return std::vector<Local<Value>>{};
    });
  }

  void SetOpenCount(int delta) {
    open_count += delta;
    if (open_count > 0)
      uv_ref(reinterpret_cast<uv_handle_t*>(keep_alive));
    else
      uv_unref(reinterpret_cast<uv_handle_t*>(keep_alive));
  }

  // The socket is over: the loop need not wait for it, and GC may free it
  // once JS lets go of the handle.
  void OnSocketEnded(Entry* entry) {
    if (!entry->open)
      return;
    entry->open = false;
    SetOpenCount(-1);
    entry->handle.SetWeak(
        entry,
        [](const v8::WeakCallbackInfo<Entry>& data) {
          Entry* collected = data.GetParameter();
          collected->handle.Reset();
          // Not inside GC: UDPSocket's destructor settles promises.
          std::weak_ptr<Core> weak = collected->core->weak_from_this();
          collected->core->loop->QueueMicrotask([weak, collected] {
            if (std::shared_ptr<Core> core = weak.lock())
              core->entries.erase(collected);
          });
        },
        v8::WeakCallbackType::kParameter);
  }

  Isolate* const isolate;
  common::EventLoop* const loop;
  NetworkServiceConnection* const connection;
  Global<Context> main_context;
  Global<v8::ObjectTemplate> handle_template;
  uv_async_t* keep_alive;  // Referenced while a socket is open.
  int open_count = 0;
  std::map<Entry*, std::unique_ptr<Entry>> entries;
  std::unordered_map<uint64_t, Global<Function>> callbacks;
  uint64_t next_callback_id = 1;
};

namespace {

using Core = UDPSocketBinding::Core;
using Entry = Core::Entry;

Core* CoreOf(const FunctionCallbackInfo<Value>& info) {
  return static_cast<Core*>(info.Data().As<v8::External>()->Value());
}

// The entry behind argument 0, or null (and a thrown TypeError: only the
// JS half calls these, so this is a bug there, not a page error).
Entry* EntryOf(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsObject() ||
      info[0].As<Object>()->InternalFieldCount() != 1) {
    isolate->ThrowException(
        v8::Exception::TypeError(Str(isolate, "not a socket handle")));
    return nullptr;
  }
  return static_cast<Entry*>(
      info[0].As<Object>()->GetAlignedPointerFromInternalField(0));
}

Local<Function> CallbackArg(const FunctionCallbackInfo<Value>& info,
                            int index) {
  if (info.Length() <= index || !info[index]->IsFunction()) {
    info.GetIsolate()->ThrowException(
        v8::Exception::TypeError(Str(info.GetIsolate(), "callback expected")));
    return Local<Function>();
  }
  return info[index].As<Function>();
}

// Streams and the controller exist once `opened` is fulfilled; the JS half
// hands them out only then.
bool CheckOpened(const FunctionCallbackInfo<Value>& info, Entry* entry) {
  if (entry->info)
    return true;
  info.GetReturnValue().Set(
      ErrorPair(info.GetIsolate(),
                ScriptError::DomException("InvalidStateError",
                                          "the socket has not been opened")));
  return false;
}

// The socket of a call shaped (handle, ..., callback), with the callback at
// `callback_index`; null when the call cannot go on (a TypeError thrown for
// a bad handle or callback, or, with `need_open`, the not-opened error
// pair returned).
Entry* CallTarget(const FunctionCallbackInfo<Value>& info,
                  int callback_index,
                  bool need_open,
                  Local<Function>* callback) {
  Entry* entry = EntryOf(info);
  if (entry == nullptr)
    return nullptr;
  *callback = CallbackArg(info, callback_index);
  if (callback->IsEmpty() || (need_open && !CheckOpened(info, entry)))
    return nullptr;
  return entry;
}

// (handle, callback) calls that forward a promise of the socket or of its
// streams (kOperation): callback(null | [name, message]) when it settles.
template <Promise<Undefined> (*kOperation)(Entry&), bool kNeedOpen>
void ForwardCall(const FunctionCallbackInfo<Value>& info) {
  Local<Function> callback;
  if (Entry* entry = CallTarget(info, 1, kNeedOpen, &callback))
    CoreOf(info)->ForwardUndefined(kOperation(*entry), callback);
}

Promise<Undefined> ClosedOf(Entry& entry) {
  return entry.socket->closed();
}
Promise<Undefined> CloseOf(Entry& entry) {
  return entry.socket->close();
}
Promise<Undefined> CancelReadableOf(Entry& entry) {
  return entry.info->readable->Cancel();
}
Promise<Undefined> CloseWritableOf(Entry& entry) {
  return entry.info->writable->Close();
}
Promise<Undefined> AbortWritableOf(Entry& entry) {
  return entry.info->writable->Abort();
}
// Once every write so far went to the kernel, or with the first failure.
Promise<Undefined> FlushWritableOf(Entry& entry) {
  const UDPWritableStream& writable = *entry.info->writable;
  if (writable.is_errored())
    return Promise<Undefined>::Rejected(*writable.stored_error());
  return entry.last_write.value_or(Promise<Undefined>::Resolved({}));
}

Local<Value> OpenInfoToJs(Local<Context> realm, const UDPSocketOpenInfo& open) {
  Isolate* isolate = realm->GetIsolate();
  Local<Object> object = Object::New(isolate);
  auto set = [&](const char* key, Local<Value> value) {
    object->Set(realm, Str(isolate, key), value).Check();
  };
  set("localAddress", Str(isolate, open.localAddress));
  set("localPort", Integer::NewFromUnsigned(isolate, open.localPort));
  if (open.remoteAddress)
    set("remoteAddress", Str(isolate, *open.remoteAddress));
  if (open.remotePort)
    set("remotePort", Integer::NewFromUnsigned(isolate, *open.remotePort));
  set("multicast",
      v8::Boolean::New(isolate, open.multicastController != nullptr));
  return object;
}

void CreateSocket(const FunctionCallbackInfo<Value>& info) {
  Core* core = CoreOf(info);
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsObject()) {
    isolate->ThrowException(
        v8::Exception::TypeError(Str(isolate, "options object expected")));
    return;
  }
  Members members(context, info[0].As<Object>());
  UDPSocketOptions options;
  options.remoteAddress = members.GetString("remoteAddress");
  options.remotePort = members.GetInteger("remotePort");
  options.localAddress = members.GetString("localAddress");
  options.localPort = members.GetInteger("localPort");
  options.sendBufferSize = members.GetInteger("sendBufferSize");
  options.receiveBufferSize = members.GetInteger("receiveBufferSize");
  options.dnsQueryType = members.GetString("dnsQueryType");
  options.ipv6Only = members.GetBool("ipv6Only");
  options.multicastTimeToLive = members.GetInteger("multicastTimeToLive");
  options.multicastLoopback = members.GetBool("multicastLoopback");
  options.multicastAllowAddressSharing =
      members.GetBool("multicastAllowAddressSharing");
  ScriptErrorOr<std::shared_ptr<UDPSocket>> socket =
      UDPSocket::Create(core->connection, options);
  if (!socket.ok()) {
    info.GetReturnValue().Set(ErrorPair(isolate, socket.error()));
    return;
  }
  auto owned = std::make_unique<Entry>();
  Entry* entry = owned.get();
  entry->core = core;
  entry->socket = std::move(socket).value();
  Local<Object> handle =
      core->handle_template.Get(isolate)->NewInstance(context).ToLocalChecked();
  handle->SetAlignedPointerInInternalField(0, entry);
  entry->handle.Reset(isolate, handle);
  core->entries.emplace(entry, std::move(owned));
  core->SetOpenCount(1);
  std::weak_ptr<Core> weak = core->weak_from_this();
  entry->socket->opened().Then(
      [weak, entry](const Promise<UDPSocketOpenInfo>::Result& result) {
        std::shared_ptr<Core> core = weak.lock();
        if (core && core->entries.count(entry) &&
            std::holds_alternative<UDPSocketOpenInfo>(result)) {
          entry->info = std::get<UDPSocketOpenInfo>(result);
        }
      });
  entry->socket->closed().Then(
      [weak, entry](const Promise<Undefined>::Result&) {
        std::shared_ptr<Core> core = weak.lock();
        if (core && core->entries.count(entry))
          core->OnSocketEnded(entry);
      });
  info.GetReturnValue().Set(handle);
}

void Opened(const FunctionCallbackInfo<Value>& info) {
  Local<Function> callback;
  Entry* entry = CallTarget(info, 1, /*need_open=*/false, &callback);
  if (entry == nullptr)
    return;
  CoreOf(info)->Forward(
      entry->socket->opened(), callback,
      [](Local<Context> realm, const UDPSocketOpenInfo& open) {
        return std::vector<Local<Value>>{OpenInfoToJs(realm, open)};
      });
}

// The sender's address as a string for JS; `entry` keeps the last one, since
// most datagrams of a socket come from one sender.
Local<Value> AddressToJs(Isolate* isolate,
                         Entry* entry,
                         const std::string& address) {
  if (entry->last_address_string.IsEmpty() || entry->last_address != address) {
    entry->last_address = address;
    entry->last_address_string.Reset(isolate, Str(isolate, address));
  }
  return entry->last_address_string.Get(isolate);
}

// V8 keeps a typed array of up to this many bytes in its own heap
// (V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP): made in JS, such an array costs little.
constexpr size_t kOnHeapArrayBytes = 64;

// A Uint8Array of the current context over `data`'s own bytes: the vector
// moves into the array's backing store, which frees it when V8 collects the
// array (on any thread: the deleter only deletes). No copy and no zeroing,
// where `new Uint8Array(n)` in JS zeroes n fresh bytes before the copy.
Local<v8::Uint8Array> TakeIntoUint8Array(Isolate* isolate,
                                         std::vector<uint8_t>&& data) {
  const size_t length = data.size();
  auto* owned = new std::vector<uint8_t>(std::move(data));
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      owned->data(), length,
      [](void*, size_t, void* vector) {
        delete static_cast<std::vector<uint8_t>*>(vector);
      },
      owned);
  return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0,
                             length);
}

// A message as read() hands it to JS: (data, remoteAddress, remotePort), the
// address only in bound mode, made in `realm`.
std::vector<Local<Value>> MessageToJs(Local<Context> realm,
                                      UDPMessage message) {
  Isolate* isolate = realm->GetIsolate();
  Context::Scope realm_scope(realm);
  std::vector<Local<Value>> args = {
      TakeIntoUint8Array(isolate, std::move(message.data))};
  if (message.remoteAddress && message.remotePort) {
    args.push_back(Str(isolate, *message.remoteAddress));
    args.push_back(v8::Integer::NewFromUnsigned(
        isolate, static_cast<uint32_t>(*message.remotePort)));
  }
  return args;
}

// read(handle, callback): callback(null, data, remoteAddress, remotePort)
// for a message, callback(null) when done, callback([name, message]).
void Read(const FunctionCallbackInfo<Value>& info) {
  Local<Function> callback;
  Entry* entry = CallTarget(info, 1, /*need_open=*/true, &callback);
  if (entry == nullptr)
    return;
  CoreOf(info)->Forward(
      entry->info->readable->Read(), callback,
      // Settles later, when the entry may be gone: no address cache here
      // (one read per empty queue; takeQueued takes the rest).
      [](Local<Context> realm, const ReadResult& result) {
        if (result.done || !result.value)
          return std::vector<Local<Value>>{};
        return MessageToJs(realm, *result.value);  // A copy: result is const.
      });
}

// takeQueued(handle, realmFunction): every message already queued, as one
// flat array of the realm of `realmFunction` (any function of the page's
// realm): [bytes, data, remoteAddress, remotePort, data, ...], where `data`
// is the message's own Uint8Array when it is larger than V8 keeps in its
// heap, else its length, its bytes next in `bytes` (one ArrayBuffer for all
// the small ones: their arrays are made in JS, in V8's heap, at little
// cost). The address is undefined for a connected socket's message. One
// trip here per queue's worth, and no call back into JS.
void TakeQueued(const FunctionCallbackInfo<Value>& info) {
  Local<Function> of_realm;
  Entry* entry = CallTarget(info, 1, /*need_open=*/true, &of_realm);
  if (entry == nullptr)
    return;
  UDPReadableStream& readable = *entry->info->readable;
  Local<Context> realm = of_realm->GetCreationContextChecked();
  Context::Scope realm_scope(realm);
  Isolate* isolate = info.GetIsolate();
  std::vector<UDPMessage> messages;
  messages.reserve(readable.queued());
  size_t small_bytes = 0;
  while (std::optional<UDPMessage> message = readable.TakeQueued()) {
    if (message->data.size() <= kOnHeapArrayBytes)
      small_bytes += message->data.size();
    messages.push_back(std::move(*message));
  }
  if (messages.empty()) {
    info.GetReturnValue().Set(v8::Array::New(isolate, 0));
    return;
  }
  Local<v8::ArrayBuffer> bytes = v8::ArrayBuffer::New(isolate, small_bytes);
  auto* out = static_cast<uint8_t*>(bytes->Data());
  std::vector<Local<Value>> flat;
  flat.reserve(1 + messages.size() * 3);
  flat.push_back(bytes);
  for (UDPMessage& message : messages) {
    const size_t length = message.data.size();
    if (length > kOnHeapArrayBytes) {
      flat.push_back(TakeIntoUint8Array(isolate, std::move(message.data)));
    } else {
      if (length != 0) {
        std::memcpy(out, message.data.data(), length);
        out += length;
      }
      flat.push_back(
          v8::Integer::NewFromUnsigned(isolate, static_cast<uint32_t>(length)));
    }
    Local<Value> address = v8::Undefined(isolate);
    Local<Value> port = v8::Undefined(isolate);
    if (message.remoteAddress && message.remotePort) {
      address = AddressToJs(isolate, entry, *message.remoteAddress);
      port = v8::Integer::NewFromUnsigned(
          isolate, static_cast<uint32_t>(*message.remotePort));
    }
    flat.push_back(address);
    flat.push_back(port);
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, flat.data(), flat.size()));
}

// The bytes of an unshared BufferSource, or nullopt (direct_sockets.js has
// told the page why already; this is the check that counts).
std::optional<std::vector<uint8_t>> BytesOf(Local<Value> value) {
  if (value->IsArrayBufferView()) {
    Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    if (view->Buffer()->GetBackingStore()->IsShared())
      return std::nullopt;
    std::vector<uint8_t> bytes(view->ByteLength());
    if (!bytes.empty())
      view->CopyContents(bytes.data(), bytes.size());
    return bytes;
  }
  if (value->IsArrayBuffer()) {
    std::shared_ptr<v8::BackingStore> store =
        value.As<v8::ArrayBuffer>()->GetBackingStore();
    const auto* data = static_cast<const uint8_t*>(store->Data());
    return std::vector<uint8_t>(data, data + store->ByteLength());
  }
  return std::nullopt;
}

// write(handle, data, remoteAddress, remotePort, dnsQueryType, callback):
// returns [name, message] when the message is refused at once, else the
// writable's desired size. Only when that size is not positive (the write
// must wait for room) is callback(null | [name, message]) called, when the
// datagram went to the kernel or failed: calling back for every write
// would cost a trip into JS per datagram. Failures of writes not waited for
// show at the next write, flushWritable() or closeWritable().
void Write(const FunctionCallbackInfo<Value>& info) {
  Local<Function> callback;
  Entry* entry = CallTarget(info, 5, /*need_open=*/true, &callback);
  if (entry == nullptr)
    return;
  Isolate* isolate = info.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  std::optional<std::vector<uint8_t>> bytes = BytesOf(info[1]);
  if (!bytes) {
    info.GetReturnValue().Set(ErrorPair(
        isolate,
        ScriptError::TypeError(
            "Failed to read the 'data' property from 'UDPMessage': The "
            "provided value is not of type '(ArrayBuffer or "
            "ArrayBufferView)'.")));
    return;
  }
  UDPMessage message;
  message.data = std::move(*bytes);
  message.remoteAddress = StringOf(context, info[2]);
  message.remotePort = IntegerOf(context, info[3]);
  message.dnsQueryType = StringOf(context, info[4]);
  Promise<Undefined> written = entry->info->writable->Write(std::move(message));
  if (written.is_rejected()) {
    info.GetReturnValue().Set(ErrorPair(isolate, written.error()));
    return;
  }
  entry->last_write = written;
  const int desired_size = entry->info->writable->desired_size();
  if (desired_size <= 0)
    CoreOf(info)->ForwardUndefined(written, callback);
  info.GetReturnValue().Set(desired_size);
}

// joinGroup / leaveGroup (handle, groupAddress, sourceAddress|undefined,
// callback).
void ChangeMembership(const FunctionCallbackInfo<Value>& info, bool join) {
  Local<Function> callback;
  Entry* entry = CallTarget(info, 3, /*need_open=*/true, &callback);
  if (entry == nullptr)
    return;
  Isolate* isolate = info.GetIsolate();
  if (!entry->info->multicastController) {
    info.GetReturnValue().Set(ErrorPair(
        isolate, ScriptError::DomException("InvalidStateError",
                                           "the socket has no multicast")));
    return;
  }
  const std::string group = *String::Utf8Value(isolate, info[1]);
  MulticastGroupOptions options;
  if (!info[2]->IsUndefined())
    options.sourceAddress = *String::Utf8Value(isolate, info[2]);
  MulticastController& controller = *entry->info->multicastController;
  CoreOf(info)->ForwardUndefined(join ? controller.joinGroup(group, options)
                                      : controller.leaveGroup(group, options),
                                 callback);
}

void JoinGroup(const FunctionCallbackInfo<Value>& info) {
  ChangeMembership(info, /*join=*/true);
}

void LeaveGroup(const FunctionCallbackInfo<Value>& info) {
  ChangeMembership(info, /*join=*/false);
}

// joinedGroups(handle): an array of group strings (any-source) and
// [group, source] pairs (source-specific).
void JoinedGroups(const FunctionCallbackInfo<Value>& info) {
  Entry* entry = EntryOf(info);
  if (entry == nullptr || !CheckOpened(info, entry))
    return;
  Isolate* isolate = info.GetIsolate();
  std::vector<Local<Value>> items;
  if (entry->info->multicastController) {
    for (const JoinedGroup& group :
         entry->info->multicastController->joinedGroups()) {
      if (const auto* any_source = std::get_if<std::string>(&group)) {
        items.push_back(Str(isolate, *any_source));
        continue;
      }
      const auto& membership = std::get<MulticastMembership>(group);
      Local<Value> pair[] = {Str(isolate, membership.groupAddress),
                             Str(isolate, membership.sourceAddress)};
      items.push_back(Array::New(isolate, pair, 2));
    }
  }
  info.GetReturnValue().Set(Array::New(isolate, items.data(), items.size()));
}

}  // namespace

UDPSocketBinding::UDPSocketBinding(Isolate* isolate,
                                   common::EventLoop* loop,
                                   NetworkServiceConnection* connection)
    : core_(std::make_shared<Core>(isolate, loop, connection)) {}

UDPSocketBinding::~UDPSocketBinding() {
  CloseAll();
}

void UDPSocketBinding::Install(Local<Context> context, Local<Object> exports) {
  Isolate* isolate = core_->isolate;
  core_->main_context.Reset(isolate, context);
  Local<v8::ObjectTemplate> handle_template = v8::ObjectTemplate::New(isolate);
  handle_template->SetInternalFieldCount(1);
  core_->handle_template.Reset(isolate, handle_template);
  Local<v8::External> data = v8::External::New(isolate, core_.get());
  const std::pair<const char*, v8::FunctionCallback> functions[] = {
      {"createSocket", CreateSocket},
      {"opened", Opened},
      {"closed", ForwardCall<ClosedOf, false>},
      {"close", ForwardCall<CloseOf, false>},
      {"read", Read},
      {"takeQueued", TakeQueued},
      {"cancelReadable", ForwardCall<CancelReadableOf, true>},
      {"write", Write},
      {"flushWritable", ForwardCall<FlushWritableOf, true>},
      {"closeWritable", ForwardCall<CloseWritableOf, true>},
      {"abortWritable", ForwardCall<AbortWritableOf, true>},
      {"joinGroup", JoinGroup},
      {"leaveGroup", LeaveGroup},
      {"joinedGroups", JoinedGroups},
  };
  for (const auto& [name, function] : functions) {
    Local<Function> value = v8::FunctionTemplate::New(isolate, function, data)
                                ->GetFunction(context)
                                .ToLocalChecked();
    exports->Set(context, Str(isolate, name), value).Check();
  }
}

void UDPSocketBinding::CloseAll() {
  core_->callbacks.clear();
  for (auto& [entry, owned] : core_->entries)
    owned->handle.Reset();
  core_->entries.clear();
  core_->open_count = 0;
  core_->SetOpenCount(0);
  core_->handle_template.Reset();
  core_->main_context.Reset();
}

int UDPSocketBinding::open_sockets() const {
  return core_->open_count;
}

}  // namespace renderer
