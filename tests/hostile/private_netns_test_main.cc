// main() of the tests in this folder: a private network namespace of their
// own (loopback and a veth with a multicast route, see
// tests/kernel_multicast_state.h), entered before any thread exists
// (unshare moves only the calling thread), then GoogleTest. Needs root.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/kernel_multicast_state.h"

int main(int argc, char** argv) {
  absl::Status entered = tests::EnterPrivateNetworkNamespace();
  if (!entered.ok()) {
    std::fprintf(stderr, "%s\n", std::string(entered.message()).c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
