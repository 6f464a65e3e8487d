#include "network_service/policy_watcher.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "policy/policy_loader.h"

namespace network_service {
namespace {

// How long the directory must be quiet before it is read: an editor's save
// or a config tool's burst of renames is one change.
constexpr uint64_t kSettleMs = 100;

}  // namespace

PolicyWatcher::PolicyWatcher(uv_loop_t* loop,
                             std::string dir,
                             PolicyEnforcer* enforcer,
                             absl::AnyInvocable<void()> on_changed)
    : loop_(loop),
      dir_(std::move(dir)),
      enforcer_(enforcer),
      on_changed_(std::move(on_changed)) {}

PolicyWatcher::~PolicyWatcher() = default;

absl::Status PolicyWatcher::Start() {
  uv_fs_event_init(loop_, &watch_);
  uv_timer_init(loop_, &settle_);
  watch_.data = settle_.data = this;
  started_ = true;
  const int error =
      uv_fs_event_start(&watch_, &PolicyWatcher::OnChange, dir_.c_str(), 0);
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot watch the policy directory ", dir_, ": ",
                     uv_strerror(error), "; changes need a restart"));
  }
  return absl::OkStatus();
}

void PolicyWatcher::Close() {
  if (!started_)
    return;
  started_ = false;
  uv_fs_event_stop(&watch_);
  uv_timer_stop(&settle_);
  uv_close(reinterpret_cast<uv_handle_t*>(&watch_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&settle_), nullptr);
}

void PolicyWatcher::OnChange(uv_fs_event_t* handle,
                             const char* name,
                             int,
                             int) {
  auto* watcher = static_cast<PolicyWatcher*>(handle->data);
  // Only policy files count (not an editor's temporary file, nor a log
  // that happens to live in the same directory).
  const std::string file = name == nullptr ? "" : name;
  if (!file.empty() &&
      (file.size() < 5 || file.compare(file.size() - 5, 5, ".json") != 0)) {
    return;
  }
  // (Re)start the quiet period.
  uv_timer_start(&watcher->settle_, &PolicyWatcher::OnSettled, kSettleMs, 0);
}

void PolicyWatcher::OnSettled(uv_timer_t* handle) {
  static_cast<PolicyWatcher*>(handle->data)->Reload();
}

void PolicyWatcher::Reload() {
  std::vector<std::string> errors, warnings;
  policy::Policy loaded = policy::LoadPolicyDirectory(dir_, &errors, &warnings);
  for (const std::string& warning : warnings)
    LOG(WARNING) << "policy " << dir_ << "/" << warning;
  if (!errors.empty()) {
    const std::string why =
        absl::StrCat("kept the last good policy; the new one has errors: ",
                     absl::StrJoin(errors, "; "));
    LOG(ERROR) << "policy " << dir_ << ": " << why;
    enforcer_->AuditReloadRefused(dir_, why);
    return;
  }
  enforcer_->set_policy(std::move(loaded));
  LOG(INFO) << "policy " << dir_ << ": applied";
  enforcer_->AuditPolicyApplied(dir_);
  // What the open sockets no longer may do is revoked, and said so.
  enforcer_->BeginRecheck();
  on_changed_();
  enforcer_->EndRecheck();
}

}  // namespace network_service
