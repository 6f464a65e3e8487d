#include "tests/hostile/policy_host.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/network_service_process.h"

namespace tests {

PolicyHost::PolicyHost(common::EventLoop* loop, const std::string& policy_json)
    : loop_(loop) {
  char pattern[] = "/tmp/dsock-hostile.XXXXXX";
  if (mkdtemp(pattern) != nullptr)
    dir_ = pattern;
  if (!policy_json.empty())
    std::ofstream(dir_ + "/10-test.json") << policy_json;
}

PolicyHost::~PolicyHost() {
  host_.reset();
  if (!dir_.empty())
    std::system(
        ("rm -rf " + dir_ + " " + dir_ + ".audit.log " + dir_ + ".admin")
            .c_str());
}

absl::Status PolicyHost::Start() {
  if (dir_.empty())
    return absl::InternalError("mkdtemp failed");
  host::Host::Options options;
  options.network_service_path = RunfilePath("network_service/network_service");
  options.policy_dir = dir_;
  options.audit_log = dir_ + ".audit.log";
  options.admin_socket = admin_socket();
  host_ = std::make_unique<host::Host>(loop_, options);
  return host_->StartNetworkService();
}

std::string PolicyHost::AuditLog() const {
  std::ifstream file(dir_ + ".audit.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace tests
