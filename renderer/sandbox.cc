#include "renderer/sandbox.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/host_contract.h"

namespace renderer {
namespace {

struct ContextDeleter {
  void operator()(scmp_filter_ctx context) const { seccomp_release(context); }
};

// What the renderer may read after start-up: the system's libraries and
// data, randomness, its own /proc entry, CPU and cgroup facts libuv reads.
// Nothing may be written but /dev/null.
const char* const kSystemReadable[] = {
    "/usr",           "/lib",
    "/lib64",         "/bin",
    "/etc/ssl",       "/etc/localtime",
    "/dev/urandom",   "/dev/random",
    "/proc/self",     "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
};

// Landlock's filesystem rights this kernel knows (ABI 1: bits 0-12; 2:
// REFER; 3: TRUNCATE; 5: IOCTL_DEV), so all of them are handled (denied
// unless a rule grants them).
uint64_t HandledFilesystemRights(long abi) {
  uint64_t rights = (1ULL << 13) - 1;
  if (abi >= 2)
    rights |= 1ULL << 13;
  if (abi >= 3)
    rights |= 1ULL << 14;
  if (abi >= 5)
    rights |= 1ULL << 15;
  return rights;
}

// Allows `rights` (as far as they apply to a file, for a file) under
// `path`. A path that does not exist is skipped.
absl::Status AllowPath(int ruleset, const std::string& path, uint64_t rights) {
  const int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0)
    return absl::OkStatus();
  struct stat info;
  fstat(fd, &info);
  if (!S_ISDIR(info.st_mode)) {
    rights &= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
              LANDLOCK_ACCESS_FS_READ_FILE;
  }
  landlock_path_beneath_attr rule{};
  rule.allowed_access = rights;
  rule.parent_fd = fd;
  const long added = syscall(__NR_landlock_add_rule, ruleset,
                             LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  const int error = errno;
  close(fd);
  if (added != 0) {
    return absl::InternalError(absl::StrCat("landlock: cannot allow ", path,
                                            ": ", std::strerror(error)));
  }
  return absl::OkStatus();
}

// Landlock: from here on this process (and threads and children made
// later) may read only the system paths and `readable`, and write nothing
// but /dev/null, so a renderer that runs hostile code cannot read the
// machine's secrets or change its files. Needs no_new_privs first.
absl::Status RestrictFilesystem(const std::vector<std::string>& readable) {
  const long abi = syscall(__NR_landlock_create_ruleset, nullptr, 0,
                           LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) {
    std::fprintf(stderr,
                 "renderer sandbox: this kernel has no Landlock (%s); files "
                 "stay reachable\n",
                 std::strerror(errno));
    return absl::OkStatus();
  }
  landlock_ruleset_attr attributes{};
  attributes.handled_access_fs = HandledFilesystemRights(abi);
  const int ruleset = static_cast<int>(syscall(
      __NR_landlock_create_ruleset, &attributes, sizeof(attributes), 0));
  if (ruleset < 0) {
    return absl::InternalError(
        absl::StrCat("landlock: no ruleset: ", std::strerror(errno)));
  }
  const uint64_t read = LANDLOCK_ACCESS_FS_EXECUTE |
                        LANDLOCK_ACCESS_FS_READ_FILE |
                        LANDLOCK_ACCESS_FS_READ_DIR;
  std::vector<std::string> paths(std::begin(kSystemReadable),
                                 std::end(kSystemReadable));
  paths.insert(paths.end(), readable.begin(), readable.end());
  absl::Status status;
  for (const std::string& path : paths) {
    if (status.ok())
      status = AllowPath(ruleset, path, read);
  }
  if (status.ok()) {
    status =
        AllowPath(ruleset, "/dev/null",
                  LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE);
  }
  if (status.ok() && syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) {
    status = absl::InternalError(
        absl::StrCat("landlock: cannot restrict: ", std::strerror(errno)));
  }
  close(ruleset);
  return status;
}

// Gives up every capability (bounding, ambient, effective, permitted,
// inheritable): a renderer started by a root host must not keep root's
// powers (reboot, sethostname, raw I/O, ...). After no_new_privs, nothing
// gives them back.
absl::Status DropCapabilities() {
  int last = CAP_LAST_CAP;
  if (FILE* file = std::fopen("/proc/sys/kernel/cap_last_cap", "r")) {
    if (std::fscanf(file, "%d", &last) != 1)
      last = CAP_LAST_CAP;
    std::fclose(file);
  }
  for (int capability = 0; capability <= last; ++capability) {
    if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && errno != EINVAL) {
      return absl::InternalError(absl::StrCat(
          "cannot drop capability ", capability, ": ", std::strerror(errno)));
    }
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) {
    return absl::InternalError(absl::StrCat("capset: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EnterRendererSandbox(const std::vector<std::string>& readable) {
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
  absl::Status files = RestrictFilesystem(readable);
  if (!files.ok())
    return files;
  absl::Status capabilities = DropCapabilities();
  if (!capabilities.ok())
    return capabilities;
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
      SCMP_SYS(tkill),
      SCMP_SYS(pidfd_send_signal),
      SCMP_SYS(pidfd_getfd),
      SCMP_SYS(kcmp),
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
  // Signals only to itself: the renderer runs as the host's user, and a
  // renderer running hostile code must not stop the host, the service or
  // other renderers.
  const scmp_datum_t self = static_cast<scmp_datum_t>(getpid());
  for (int syscall : {SCMP_SYS(kill), SCMP_SYS(tgkill),
                      SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo)}) {
    const int error = seccomp_rule_add(context.get(), SCMP_ACT_ERRNO(EPERM),
                                       syscall, 1, SCMP_A0(SCMP_CMP_NE, self));
    if (error != 0) {
      return absl::InternalError(absl::StrCat("seccomp: cannot limit signals: ",
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

absl::Status EnterSandboxIfHosted(const std::vector<std::string>& readable) {
  const char* fd = std::getenv(common::kServiceFdEnv);
  if (fd == nullptr || fd[0] == '\0')
    return absl::OkStatus();
  return EnterRendererSandbox(readable);
}

}  // namespace renderer
