#ifndef POLICY_POLICY_LOADER_H_
#define POLICY_POLICY_LOADER_H_

#include <string>
#include <vector>

#include "policy/policy.h"
#include "proto/policy.pb.h"

namespace policy {

// The managed policy directory of a device (docs/policy.md).
inline constexpr char kDefaultPolicyDir[] = "/etc/dsock/policies/managed";

// Reads every "*.json" file of `dir` in file-name order, checks each
// against proto/policy.proto and the rules of docs/policy.md, and merges
// them: a later file's settings replace an earlier one's, lists and rules
// add up. The device is managed when the directory holds at least one
// policy file. Every problem is one entry of `errors`, naming the file, the
// key path (or line and column) and what was expected; the returned policy
// is meaningful only when `errors` is empty. Keys this product does not
// know at a file's top level (other Chrome policies) are ignored, each one
// entry of `warnings` when given (policy_json.h). A missing directory is
// an unmanaged device, not an error; one that cannot be read is an error.
Policy LoadPolicyDirectory(const std::string& dir,
                           std::vector<std::string>* errors,
                           std::vector<std::string>* warnings = nullptr);

// Builds a Policy from files already parsed; `names` name them in errors.
// For LoadPolicyDirectory and tests.
class PolicyBuilder {
 public:
  // Checks and merges one file; problems go to `errors`.
  void Add(const std::string& name,
           const direct_sockets::policy::v1::PolicyFile& file,
           std::vector<std::string>* errors);
  // Parses JSON text as a policy file (policy_json.h), then Add()s it.
  void AddJson(const std::string& name,
               const std::string& text,
               std::vector<std::string>* errors,
               std::vector<std::string>* warnings = nullptr);
  // Reports allow/block conflicts, then returns the merged policy.
  Policy Build(std::vector<std::string>* errors);

 private:
  Policy policy_;
  // Each AddJson()'s name and text, for the policy's digest.
  std::string read_;
  // Which file listed each origin of each list, for conflict messages.
  std::vector<std::pair<std::string, std::string>> allowed_from_, blocked_from_,
      private_allowed_from_, private_blocked_from_;
};

}  // namespace policy

#endif  // POLICY_POLICY_LOADER_H_
