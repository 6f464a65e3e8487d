#ifndef POLICY_POLICY_JSON_H_
#define POLICY_POLICY_JSON_H_

#include <optional>
#include <string>
#include <vector>

namespace policy {

// Reads one policy file's JSON as an admin wrote it, before protobuf's
// parser sees it, so that every problem says where it is and what to do:
//  - a syntax error names the line and column ("FILE:3:17: ...");
//  - a key this product does not know at the top level is a warning and
//    is dropped: it is another Chrome policy (HomepageLocation, ...), and
//    Chrome ignores the policies it does not know, so our files can live
//    in Chrome's managed directory;
//  - anywhere else, an unknown key (a typo in a rule must not silently
//    loosen it), a key given twice in one object, or a value of the wrong
//    JSON type ("2" for a number) is an error naming its key path.
// Returns the JSON text of the known keys for protobuf's parser, or
// nullopt when the file has errors. `name` prefixes every message.
// Stateless; any thread.
std::optional<std::string> CheckPolicyJson(const std::string& name,
                                           const std::string& text,
                                           std::vector<std::string>* errors,
                                           std::vector<std::string>* warnings);

}  // namespace policy

#endif  // POLICY_POLICY_JSON_H_
