#ifndef NETWORK_SERVICE_POLICY_WATCHER_H_
#define NETWORK_SERVICE_POLICY_WATCHER_H_

#include <uv.h>

#include <cstdio>
#include <string>

#include "absl/functional/any_invocable.h"
#include "network_service/policy_enforcer.h"

namespace network_service {

// Live policy: watches the managed policy directory on the service's loop
// and, a moment after it changes (edits come in bursts), reads it again.
// A policy that reads cleanly replaces the one in force and `on_changed`
// runs (the service then re-checks every open socket); a broken one is
// refused: the last good policy stays, and the audit log says why
// ({"action":"reload-refused",...}). Owned by main(); loop thread.
class PolicyWatcher {
 public:
  PolicyWatcher(uv_loop_t* loop,
                std::string dir,
                PolicyEnforcer* enforcer,
                absl::AnyInvocable<void()> on_changed);
  PolicyWatcher(const PolicyWatcher&) = delete;
  PolicyWatcher& operator=(const PolicyWatcher&) = delete;
  ~PolicyWatcher();

  // Starts watching; an error if the directory cannot be watched.
  absl::Status Start();
  // Stops; the handles close on the loop (run it once more).
  void Close();

 private:
  static void OnChange(uv_fs_event_t* handle,
                       const char* name,
                       int events,
                       int status);
  static void OnSettled(uv_timer_t* handle);
  void Reload();

  uv_loop_t* loop_;
  const std::string dir_;
  PolicyEnforcer* const enforcer_;
  absl::AnyInvocable<void()> on_changed_;
  uv_fs_event_t watch_;
  uv_timer_t settle_;
  bool started_ = false;
};

}  // namespace network_service

#endif  // NETWORK_SERVICE_POLICY_WATCHER_H_
