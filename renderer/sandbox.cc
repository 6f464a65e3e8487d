#include "renderer/sandbox.h"

#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "renderer/network_service_connection.h"

namespace renderer {
namespace {

struct ContextDeleter {
  void operator()(scmp_filter_ctx context) const { seccomp_release(context); }
};

}  // namespace

absl::Status EnterRendererSandbox() {
  // An empty network namespace first (it needs the privilege that the
  // filter below takes away).
  if (unshare(CLONE_NEWNET) != 0) {
    std::fprintf(stderr,
                 "renderer sandbox: no private network namespace (%s); "
                 "relying on the seccomp filter\n",
                 std::strerror(errno));
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::InternalError(
        absl::StrCat("no_new_privs: ", std::strerror(errno)));
  }
  std::unique_ptr<void, ContextDeleter> context(seccomp_init(SCMP_ACT_ALLOW));
  if (!context)
    return absl::InternalError("seccomp_init failed");
  if (seccomp_attr_set(context.get(), SCMP_FLTATR_CTL_TSYNC, 1) != 0)
    return absl::InternalError("seccomp: cannot sync all threads");
  const int denied[] = {
      SCMP_SYS(socket),
      SCMP_SYS(ptrace),
      SCMP_SYS(process_vm_readv),
      SCMP_SYS(process_vm_writev),
      SCMP_SYS(mount),
      SCMP_SYS(umount2),
      SCMP_SYS(pivot_root),
      SCMP_SYS(setns),
      SCMP_SYS(unshare),
      SCMP_SYS(bpf),
      SCMP_SYS(perf_event_open),
      SCMP_SYS(kexec_load),
      SCMP_SYS(init_module),
      SCMP_SYS(finit_module),
      SCMP_SYS(delete_module),
      SCMP_SYS(keyctl),
      SCMP_SYS(add_key),
      SCMP_SYS(request_key),
  };
  for (int syscall : denied) {
    const int error =
        seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM), syscall, 0);
    if (error != 0) {
      return absl::InternalError(absl::StrCat("seccomp: cannot deny syscall ",
                                              syscall, ": ",
                                              std::strerror(-error)));
    }
  }
  const int loaded = seccomp_load(context.get());
  if (loaded != 0) {
    return absl::InternalError(absl::StrCat("seccomp: cannot load the filter: ",
                                            std::strerror(-loaded)));
  }
  return absl::OkStatus();
}

absl::Status EnterSandboxIfHosted() {
  const char* fd = std::getenv(NetworkServiceConnection::kServiceFdEnv);
  if (fd == nullptr || fd[0] == '\0')
    return absl::OkStatus();
  return EnterRendererSandbox();
}

}  // namespace renderer
