// Runs every file of the corpus directories named on the command line
// through LLVMFuzzerTestOneInput, as libFuzzer would replay them: the seed
// corpus of each fuzzer is a regression test under any compiler. Exits 1
// when a directory has no file (a corpus that went missing). Inputs that
// open sockets do so in a private network namespace with only loopback up
// (entered first, as root), never on the machine's network.
#include <dirent.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
    __attribute__((weak));

namespace {

// A network namespace of this process's own with `lo` up.
bool EnterPrivateLoopback() {
  if (unshare(CLONE_NEWNET) != 0)
    return false;
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  const bool up =
      ioctl(fd, SIOCGIFFLAGS, &request) == 0 &&
      (request.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &request) == 0);
  close(fd);
  return up;
}

}  // namespace

int main(int argc, char** argv) {
  if (!EnterPrivateLoopback()) {
    std::fprintf(stderr,
                 "cannot make a private network namespace (run as root)\n");
    return 1;
  }
  if (LLVMFuzzerInitialize != nullptr)
    LLVMFuzzerInitialize(&argc, &argv);
  int replayed = 0;
  for (int i = 1; i < argc; ++i) {
    DIR* dir = opendir(argv[i]);
    if (dir == nullptr) {
      std::fprintf(stderr, "cannot read corpus %s\n", argv[i]);
      return 1;
    }
    std::vector<std::string> files;
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.')
        files.push_back(std::string(argv[i]) + "/" + entry->d_name);
    }
    closedir(dir);
    if (files.empty()) {
      std::fprintf(stderr, "corpus %s is empty\n", argv[i]);
      return 1;
    }
    for (const std::string& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
      ++replayed;
    }
  }
  std::printf("replayed %d inputs\n", replayed);
  return 0;
}
