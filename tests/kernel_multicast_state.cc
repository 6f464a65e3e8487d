#include "tests/kernel_multicast_state.h"

#include <arpa/inet.h>
#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace tests {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// How /proc prints an IPv4 address: igmp prints the raw 32-bit value in
// host order ("%08X"), mcfilter prints it converted with ntohl ("0x%08x").
std::string IgmpHex(const common::IpAddress& address) {
  sockaddr_storage storage;
  address.ToSockaddr(0, &storage);
  uint32_t raw;
  std::memcpy(&raw, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr, 4);
  char text[16];
  std::snprintf(text, sizeof(text), "%08X", raw);
  return text;
}

std::string McfilterHex(const common::IpAddress& address) {
  sockaddr_storage storage;
  address.ToSockaddr(0, &storage);
  uint32_t raw;
  std::memcpy(&raw, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr, 4);
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", ntohl(raw));
  return text;
}

// igmp6/mcfilter6 print 32 lower-case hex digits.
std::string Ipv6Hex(const common::IpAddress& address) {
  sockaddr_storage storage;
  address.ToSockaddr(0, &storage);
  const auto* bytes = reinterpret_cast<const uint8_t*>(
      &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr);
  std::string text;
  for (int i = 0; i < 16; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof(pair), "%02x", bytes[i]);
    text += pair;
  }
  return text;
}

// Rows of a /proc table, split into fields.
std::vector<std::vector<std::string>> Rows(const char* path) {
  std::vector<std::vector<std::string>> rows;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    rows.push_back(
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty()));
  }
  return rows;
}

bool HasField(const char* path, const std::string& value, size_t column) {
  for (const auto& row : Rows(path)) {
    if (row.size() > column &&
        absl::AsciiStrToLower(row[column]) == absl::AsciiStrToLower(value)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool KernelHasGroup(const common::IpAddress& group) {
  if (group.is_ipv4()) {
    // Group rows of /proc/net/igmp: "GROUP USERS TIMER REPORTER".
    return HasField("/proc/net/igmp", IgmpHex(group), 0);
  }
  // /proc/net/igmp6: "IDX DEV GROUP USERS FLAGS TIMER".
  return HasField("/proc/net/igmp6", Ipv6Hex(group), 2);
}

bool KernelHasSource(const common::IpAddress& group,
                     const common::IpAddress& source) {
  const bool v4 = group.is_ipv4();
  const std::string want_group = v4 ? McfilterHex(group) : Ipv6Hex(group);
  const std::string want_source = v4 ? McfilterHex(source) : Ipv6Hex(source);
  // "IDX DEVICE GROUP SOURCE INC EXC" in both tables.
  for (const auto& row :
       Rows(v4 ? "/proc/net/mcfilter" : "/proc/net/mcfilter6")) {
    if (row.size() >= 4 && row[2] == want_group && row[3] == want_source)
      return true;
  }
  return false;
}

std::string KernelMulticastTables() {
  return absl::StrCat("/proc/net/igmp:\n", ReadFile("/proc/net/igmp"),
                      "/proc/net/mcfilter:\n", ReadFile("/proc/net/mcfilter"),
                      "/proc/net/igmp6:\n", ReadFile("/proc/net/igmp6"),
                      "/proc/net/mcfilter6:\n",
                      ReadFile("/proc/net/mcfilter6"));
}

absl::Status EnterPrivateNetworkNamespace() {
  if (unshare(CLONE_NEWNET) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot make a private network namespace (",
                     std::strerror(errno), "); multicast tests run as root"));
  }
  const char* commands[] = {
      "ip link set lo up",
      "ip link add a0 type veth peer name a1",
      "ip link set a1 up",
      "ip link set a0 up",
      "ip addr add 10.78.0.1/24 dev a0",
      "ip addr add 10.78.0.2/24 dev a0",
      "ip addr add fd78::1/64 dev a0 nodad",
      "ip addr add fd78::2/64 dev a0 nodad",
      "ip route add 224.0.0.0/4 dev a0",
  };
  for (const char* command : commands) {
    if (std::system(command) != 0) {
      return absl::InternalError(
          absl::StrCat("setting up the namespace failed at: ", command));
    }
  }
  return absl::OkStatus();
}

}  // namespace tests
