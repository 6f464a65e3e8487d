#ifndef COMMON_APP_ORIGIN_H_
#define COMMON_APP_ORIGIN_H_

#include <string>

#include "absl/status/status.h"

namespace common {

// Whether `origin` is an isolated app origin: "isolated-app://" and an id of
// 1 to 128 lowercase letters and digits (the Web Bundle ID's base32). The
// host checks it when it reads its manifest, the network service again when
// a channel arrives. INVALID_ARGUMENT says what is wrong. Any thread.
absl::Status CheckIsolatedAppOrigin(const std::string& origin);

}  // namespace common

#endif  // COMMON_APP_ORIGIN_H_
