#ifndef TESTS_HOSTILE_POLICY_HOST_H_
#define TESTS_HOSTILE_POLICY_HOST_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/event_loop.h"
#include "host/host.h"

namespace tests {

// A real host and network service enforcing one policy file, in a private
// temporary directory (removed with this object), with its audit log and
// admin socket beside it. The attacks of this folder run against it. Test
// thread only.
class PolicyHost {
 public:
  // `policy_json` is the only policy file; empty: none (an unmanaged
  // device).
  PolicyHost(common::EventLoop* loop, const std::string& policy_json);
  PolicyHost(const PolicyHost&) = delete;
  PolicyHost& operator=(const PolicyHost&) = delete;
  ~PolicyHost();

  // Starts the service; an error says why it could not.
  absl::Status Start();

  host::Host& host() { return *host_; }
  const std::string& policy_dir() const { return dir_; }
  std::string AuditLog() const;
  // The service's admin socket.
  std::string admin_socket() const { return dir_ + ".admin/admin.sock"; }

 private:
  common::EventLoop* const loop_;
  std::string dir_;
  std::unique_ptr<host::Host> host_;
};

}  // namespace tests

#endif  // TESTS_HOSTILE_POLICY_HOST_H_
