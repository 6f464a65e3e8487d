// libFuzzer target: a policy file as an admin (or a typo) may write it.
// Whatever the bytes, the loader answers with a policy or with errors that
// name the file, and a policy that loaded answers every question with a
// decision that says which policy decided and why.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/ip_address.h"
#include "common/socket_membership.h"
#include "policy/policy.h"
#include "policy/policy_loader.h"

namespace {

void Check(bool condition) {
  if (!condition)
    __builtin_trap();
}

void CheckDecision(const policy::Decision& decision) {
  Check(!decision.policy.empty());
  Check(!decision.reason.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  policy::PolicyBuilder builder;
  std::vector<std::string> errors;
  builder.AddJson("fuzz.json", text, &errors);
  policy::Policy loaded = builder.Build(&errors);
  for (const std::string& error : errors)
    Check(error.rfind("fuzz.json", 0) == 0 || !error.empty());
  if (!errors.empty())
    return 0;
  const common::IpAddress group = *common::IpAddress::Parse("239.10.0.1");
  const common::IpAddress mdns = *common::IpAddress::Parse("224.0.0.251");
  for (const char* origin :
       {"isolated-app://app1", "isolated-app://other", "(no app)"}) {
    CheckDecision(loaded.DirectSockets(origin));
    CheckDecision(loaded.PrivateNetworkAccess(origin));
    CheckDecision(loaded.Multicast(origin));
    CheckDecision(loaded.OpenMulticast(origin, 5004, 1, true, false));
    CheckDecision(loaded.Join(origin, {group, std::nullopt}, 5004));
    CheckDecision(loaded.Join(origin, {mdns, std::nullopt}, 5353));
    CheckDecision(loaded.Send(origin, group, 5004, 255, true));
    // No wildcard reaches a caller that is not an isolated app.
    if (std::string(origin) == "(no app)")
      Check(loaded.RuleFor(origin) == nullptr);
  }
  return 0;
}
