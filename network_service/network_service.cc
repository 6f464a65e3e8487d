#include "network_service/network_service.h"

#include <grpcpp/server_posix.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging.h"
#include "common/socket_limits.h"
#include "network_service/private_socket_path.h"
#include "policy/policy_loader.h"

namespace network_service {

namespace {

// What one renderer's connection may make the service hold
// (docs/security.md). Every renderer has one connection: the channel its
// host handed over.
void ApplyRendererLimits(grpc::ServerBuilder* builder) {
  // Identity only: a compressed message would be inflated before the size
  // limit applies (gRPC 1.51), so a call that names gzip or deflate is
  // refused before its first message.
  builder->SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  builder->SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
  builder->SetMaxReceiveMessageSize(static_cast<int>(common::kMaxRequestBytes));
  // One stream per socket: the app's socket cap, and room for streams
  // that are closing.
  builder->AddChannelArgument(
      GRPC_ARG_MAX_CONCURRENT_STREAMS,
      static_cast<int>(network_service::AppRegistry::kMaxStreamsPerApp));
  builder->AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 8 * 1024);
  // Flow-control windows stay at 64 KiB a stream: bandwidth-delay probing
  // would let a renderer that sends and never lets a request finish park
  // megabytes in each stream's buffers.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 * 1024);
  // PING floods: a renderer sends no pings of its own; two strikes end the
  // connection.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder->AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5 * 60 * 1000);
}

}  // namespace

NetworkService::NetworkService(const Options& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<NetworkService>> NetworkService::Start(
    const Options& options) {
  if (options.socket_path.empty() && options.control_fd < 0) {
    return absl::InvalidArgumentError(
        "give --control-fd (started by a host) or --socket-path "
        "(standalone)");
  }
  if (options.unsafe_development_mode && !options.policy_dir.empty()) {
    return absl::InvalidArgumentError(
        "--unsafe-development-mode and --policy-dir cannot be combined: give "
        "one");
  }
  if (!options.socket_path.empty()) {
    absl::Status prepared =
        PreparePrivateSocketPath(options.socket_path, "--socket-path");
    if (!prepared.ok())
      return prepared;
  }
  std::unique_ptr<NetworkService> service(new NetworkService(options));
  absl::StatusOr<std::unique_ptr<AuditLog>> audit_log =
      AuditLog::Open(options.audit_log);
  if (!audit_log.ok())
    return absl::FailedPreconditionError(audit_log.status().message());
  service->audit_log_ = std::move(*audit_log);
  absl::Status policy = service->LoadPolicy();
  if (!policy.ok())
    return policy;

  // gRPC creates the socket file; the umask makes it 0600 from the start.
  const mode_t old_umask = umask(0177);
  grpc::ServerBuilder builder;
  ApplyRendererLimits(&builder);
  if (!options.socket_path.empty()) {
    builder.AddListeningPort("unix:" + options.socket_path,
                             grpc::InsecureServerCredentials());
  }
  builder.RegisterService(service->service_.get());
  service->server_ = builder.BuildAndStart();
  umask(old_umask);
  if (service->server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "could not start serving",
        options.socket_path.empty() ? "" : " on unix:", options.socket_path));
  }
  if (!options.socket_path.empty())
    chmod(options.socket_path.c_str(), 0600);
  if (!options.admin_socket.empty()) {
    NetworkService* self = service.get();
    absl::StatusOr<std::unique_ptr<AdminServer>> admin = AdminServer::Start(
        &service->loop_, options.admin_socket,
        [self](direct_sockets::admin::v1::ServiceState* state) {
          self->DescribeState(state);
        });
    if (!admin.ok()) {
      service->server_->Shutdown();
      return admin.status();
    }
    service->admin_ = std::move(*admin);
  }
  return service;
}

absl::Status NetworkService::LoadPolicy() {
  const std::string& dir = options_.policy_dir;
  if (options_.unsafe_development_mode) {
    LOG(WARNING) << "--unsafe-development-mode: NO POLICY IS ENFORCED; every "
                    "app may use multicast. For development only.";
  } else if (dir.empty()) {
    // Secure by default: an unmanaged device, as Chrome without policies.
    LOG(INFO) << "no --policy-dir: an unmanaged device (no app may use "
                 "multicast; Chrome's defaults for the rest)";
    enforcer_ = PolicyEnforcer(policy::Policy(), audit_log_.get());
  } else {
    std::vector<std::string> errors, warnings;
    policy::Policy loaded =
        policy::LoadPolicyDirectory(dir, &errors, &warnings);
    for (const std::string& warning : warnings)
      LOG(WARNING) << "policy: " << dir << "/" << warning;
    for (const std::string& error : errors) {
      LOG(ERROR) << "policy: " << dir << "/" << error;
    }
    // With errors and no earlier good policy: an unmanaged device (no
    // multicast for anyone), never a half-read policy.
    enforcer_ =
        PolicyEnforcer(errors.empty() ? std::move(loaded) : policy::Policy(),
                       audit_log_.get());
  }
  enforcer_.set_audit_allows(options_.audit_allows);
  if (options_.unsafe_development_mode) {
    if (audit_log_->to_file())
      audit_log_->Write({{"event", "policy-applied"}, {"enforced", false}});
  } else {
    enforcer_.AuditPolicyApplied(dir);
  }
  sockets_ = std::make_unique<UvSocketFactory>(loop_.uv_loop());
  service_ = std::make_unique<NetworkServiceImpl>(&loop_, &apps_, &enforcer_,
                                                  sockets_.get());
  if (!dir.empty()) {
    watcher_ =
        std::make_unique<PolicyWatcher>(loop_.uv_loop(), dir, &enforcer_,
                                        [this] { service_->RecheckPolicy(); });
    absl::Status watching = watcher_->Start();
    if (!watching.ok()) {
      LOG(WARNING) << watching.message();
    }
  }
  return absl::OkStatus();
}

void NetworkService::AddRendererChannel(int fd,
                                        int datagram_pipe,
                                        common::AppGrant grant) {
  AppIdentity app{std::move(grant.origin), std::move(grant.features)};
  if (datagram_pipe >= 0)
    app.datagram_pipe = std::make_shared<DatagramPipe>(
        loop_.uv_loop(), datagram_pipe, app.origin);
  ForgetEndedChannels();
  int grpc_fd = -1;
  absl::StatusOr<std::unique_ptr<Http2Guard>> guard = Http2Guard::Start(
      fd, {},
      [origin = app.origin](const std::string& why) {
        LOG(WARNING) << "the renderer of " << origin << " sent " << why
                     << "; its channel is closed";
      },
      &grpc_fd);
  if (!guard.ok()) {
    LOG(ERROR) << guard.status().message();
    return;
  }
  channels_.push_back(
      {*std::move(guard), app.datagram_pipe, app.origin, app.permissions});
  apps_.BindChannel(grpc_fd, std::move(app));
  grpc::AddInsecureChannelFromFd(server_.get(), grpc_fd);
}

void NetworkService::ForgetEndedChannels() {
  // Their guards' threads have ended, and their pipes go now (sockets still
  // holding one find it closed).
  channels_.erase(std::remove_if(channels_.begin(), channels_.end(),
                                 [](Channel& channel) {
                                   if (!channel.guard->finished())
                                     return false;
                                   if (channel.datagram_pipe)
                                     channel.datagram_pipe->Close();
                                   return true;
                                 }),
                  channels_.end());
}

void NetworkService::BeginShutdown() {
  if (shutdown_thread_.joinable())
    return;
  service_->CloseAll(
      absl::UnavailableError("the network service is shutting down"));
  // Shutdown() blocks until calls end, and calls end on this loop: run it
  // elsewhere and come back when it is done.
  shutdown_thread_ = std::thread([this] {
    if (admin_)
      admin_->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(2));
    loop_.PostTask([this] { loop_.Quit(); });
  });
}

void NetworkService::DescribeState(
    direct_sockets::admin::v1::ServiceState* state) {
  namespace admin = ::direct_sockets::admin::v1;
  state->set_pid(static_cast<uint32_t>(getpid()));
  state->set_started_at(AuditLog::TimeText(started_at_));
  state->set_now(AuditLog::TimeText(absl::Now()));
  enforcer_.DescribePolicy(state->mutable_policy());
  std::map<std::string, admin::App> apps;
  auto app_of = [&apps](const std::string& origin) -> admin::App& {
    admin::App& app = apps[origin];
    app.set_origin(origin);
    return app;
  };
  for (const Channel& channel : channels_) {
    if (channel.guard->finished())
      continue;
    admin::App& app = app_of(channel.origin);
    app.set_channels(app.channels() + 1);
    if (app.permissions().empty()) {
      for (const std::string& permission : channel.permissions)
        app.add_permissions(permission);
    }
  }
  service_->DescribeSockets([&app_of](const std::string& origin) {
    return app_of(origin).add_sockets();
  });
  for (auto& [origin, app] : apps) {
    enforcer_.DescribeRuleFor(origin, &app);
    // Closed sockets' traffic and the open ones'.
    Traffic traffic = apps_.retired_traffic_of(origin);
    admin::Counters* totals = app.mutable_totals();
    for (const admin::Socket& socket : app.sockets()) {
      const admin::Counters& live = socket.counters();
      traffic +=
          Traffic{live.datagrams_in(), live.bytes_in(), live.datagrams_out(),
                  live.bytes_out(), live.kernel_drops()};
      totals->set_held_sends(totals->held_sends() + live.held_sends());
      totals->set_receive_queue_bytes(totals->receive_queue_bytes() +
                                      live.receive_queue_bytes());
    }
    totals->set_datagrams_in(traffic.datagrams_in);
    totals->set_bytes_in(traffic.bytes_in);
    totals->set_datagrams_out(traffic.datagrams_out);
    totals->set_bytes_out(traffic.bytes_out);
    totals->set_kernel_drops(traffic.kernel_drops);
    *state->add_apps() = std::move(app);
  }
  enforcer_.refusals().Describe(state);
}

void NetworkService::Quit() {
  loop_.PostTask([this] { BeginShutdown(); });
}

void NetworkService::Run() {
  ran_ = true;
  // Refusals the audit log folded are counted in it once a second, and the
  // channels of renderers that ended are let go.
  uv_timer_init(loop_.uv_loop(), &audit_flush_);
  audit_flush_.data = this;
  uv_timer_start(
      &audit_flush_,
      [](uv_timer_t* timer) {
        auto* service = static_cast<NetworkService*>(timer->data);
        service->enforcer_.FlushFoldedRefusals();
        service->ForgetEndedChannels();
      },
      1000, 1000);
  uv_unref(reinterpret_cast<uv_handle_t*>(&audit_flush_));
  auto on_signal = [](uv_signal_t* handle, int) {
    static_cast<NetworkService*>(handle->data)->BeginShutdown();
  };
  for (auto [handle, number] :
       {std::pair{&sigterm_, SIGTERM}, std::pair{&sigint_, SIGINT}}) {
    uv_signal_init(loop_.uv_loop(), handle);
    handle->data = this;
    if (options_.handle_signals)
      uv_signal_start(handle, on_signal, number);
  }
  // SIGHUP: logrotate moved the audit log away; write to a new one.
  uv_signal_init(loop_.uv_loop(), &sighup_);
  sighup_.data = this;
  if (options_.handle_signals) {
    uv_signal_start(
        &sighup_,
        [](uv_signal_t* handle, int) {
          auto* service = static_cast<NetworkService*>(handle->data);
          absl::Status reopened = service->audit_log_->Reopen();
          if (!reopened.ok())
            LOG(ERROR) << reopened.message() << "; still writing the old file";
        },
        SIGHUP);
    uv_unref(reinterpret_cast<uv_handle_t*>(&sighup_));
  }
  if (options_.control_fd >= 0) {
    control_ = std::make_unique<ControlChannel>(
        loop_.uv_loop(), options_.control_fd,
        [this](int fd, int datagram_pipe, common::AppGrant grant) {
          AddRendererChannel(fd, datagram_pipe, std::move(grant));
        },
        [this] {
          LOG(INFO) << "the host is gone; shutting down";
          BeginShutdown();
        });
  }
  if (options_.socket_path.empty()) {
    std::printf("network_service: serving host channels (pid %d)\n",
                static_cast<int>(getpid()));
  } else {
    std::printf("network_service: listening on unix:%s (pid %d)\n",
                options_.socket_path.c_str(), static_cast<int>(getpid()));
  }
  std::fflush(stdout);

  loop_.Run();

  if (control_)
    control_->Close();
  if (admin_)
    admin_->Close();
  if (watcher_)
    watcher_->Close();
  for (Channel& channel : channels_) {
    if (channel.datagram_pipe)
      channel.datagram_pipe->Close();
  }
  enforcer_.FlushFoldedRefusals();
  uv_close(reinterpret_cast<uv_handle_t*>(&audit_flush_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sighup_), nullptr);
  // Run the close callbacks now, while the objects that own the handles
  // still exist.
  uv_run(loop_.uv_loop(), UV_RUN_NOWAIT);
  if (shutdown_thread_.joinable())
    shutdown_thread_.join();
  server_->Wait();
  channels_.clear();
  loop_.Shutdown();
  if (!options_.socket_path.empty())
    unlink(options_.socket_path.c_str());
}

NetworkService::~NetworkService() {
  if (!ran_ && (watcher_ != nullptr || admin_ != nullptr)) {
    // Never run (or Start() failed after these began): their handles go
    // with the loop.
    if (watcher_)
      watcher_->Close();
    if (admin_)
      admin_->Close();
    uv_run(loop_.uv_loop(), UV_RUN_NOWAIT);
  }
}

}  // namespace network_service
