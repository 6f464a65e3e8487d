#ifndef RENDERER_SANDBOX_H_
#define RENDERER_SANDBOX_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace renderer {

// The renderer's sandbox: after a renderer has its channel to the network
// service (inherited from the host), it gives up every other way to the
// network. Call first thing in main(), before any thread exists.
//
//  - A new, empty network namespace (unshare(CLONE_NEWNET)) where the
//    process may create one; skipped, and said so, where it may not.
//  - no_new_privs, then a seccomp-bpf filter (libseccomp) that fails with
//    EPERM: socket() of any family (AF_INET, AF_INET6, AF_PACKET,
//    AF_NETLINK, and AF_UNIX, so no second channel can be opened); and the
//    escapes around it: ptrace, process_vm_readv/writev, mount, umount2,
//    pivot_root, setns, unshare, bpf, perf_event_open, kexec_load,
//    init_module, finit_module, delete_module, keyctl, add_key, request_key.
//    Signals go only to the renderer itself (kill, tgkill, sigqueue with
//    another pid fail; tkill, pidfd_send_signal, pidfd_getfd, kcmp too).
//    The filter applies to every thread (TSYNC) and to children.
//  - Every capability dropped (bounding set, ambient, effective,
//    permitted, inheritable): a renderer of a root host is not root.
//  - Landlock (where the kernel has it; said so where not): from then on
//    the process may read only the system's libraries and data (/usr,
//    /lib, /etc/ssl, ...), /dev/urandom, its own /proc entry, and
//    `readable` (say, the app's directory), and may write no file but
//    /dev/null. A renderer running hostile code can neither read the
//    machine's secrets nor change its files.
//
// Returns an error if the filter could not be installed (the renderer must
// not run unsandboxed).
absl::Status EnterRendererSandbox(
    const std::vector<std::string>& readable = {});

// Enters the sandbox when the process was started by a host (it inherited a
// channel: $DSOCK_SERVICE_FD is set); otherwise does nothing, so the same
// program runs standalone against a listening service during development.
absl::Status EnterSandboxIfHosted(
    const std::vector<std::string>& readable = {});

}  // namespace renderer

#endif  // RENDERER_SANDBOX_H_
