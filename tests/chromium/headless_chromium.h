#ifndef TESTS_CHROMIUM_HEADLESS_CHROMIUM_H_
#define TESTS_CHROMIUM_HEADLESS_CHROMIUM_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/chromium/cdp_pipe.h"

namespace tests {

// Debian's Chromium, headless, driven over the DevTools protocol on
// --remote-debugging-pipe (docs/testing.md's recipe): a profile, HOME and
// XDG directories of its own under a temporary directory (removed with
// this object), its own process group (ended with this object, after
// Browser.close had 5 s), its log in the profile. Test thread only.
class HeadlessChromium {
 public:
  // Starts `chromium` (the binary, not Debian's wrapper script) with the
  // recipe's flags and `extra_flags`; events go to `on_event`.
  static absl::StatusOr<std::unique_ptr<HeadlessChromium>> Start(
      const std::string& chromium,
      const std::vector<std::string>& extra_flags,
      CdpPipe::EventHandler on_event);
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;
  ~HeadlessChromium();

  CdpPipe& cdp() { return *cdp_; }
  // The browser's stdout and stderr.
  std::string log_path() const { return profile_ + "/chromium.log"; }

 private:
  HeadlessChromium() = default;

  pid_t pid_ = -1;
  std::string profile_;
  std::unique_ptr<CdpPipe> cdp_;
};

}  // namespace tests

#endif  // TESTS_CHROMIUM_HEADLESS_CHROMIUM_H_
