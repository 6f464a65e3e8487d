#ifndef TESTS_SOCKET_HOLDER_PROCESS_H_
#define TESTS_SOCKET_HOLDER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tests {

// A renderer process for tests (tests/socket_holder): it opens `count`
// sockets through the service at `socket_path`, each joining `group` if
// given, and lives until killed. Start() waits (bounded) until all are
// ready; the destructor SIGKILLs and reaps it. Test thread only.
class SocketHolderProcess {
 public:
  SocketHolderProcess() = default;
  SocketHolderProcess(const SocketHolderProcess&) = delete;
  SocketHolderProcess& operator=(const SocketHolderProcess&) = delete;
  ~SocketHolderProcess();

  // The ports of the sockets, or empty if it did not get ready; `output`
  // gets what it printed.
  std::vector<uint16_t> Start(const std::string& socket_path,
                              int count,
                              const std::optional<std::string>& group,
                              std::string* output);
  // SIGKILL, as a crashing renderer.
  void Kill();

 private:
  pid_t pid_ = -1;
};

}  // namespace tests

#endif  // TESTS_SOCKET_HOLDER_PROCESS_H_
