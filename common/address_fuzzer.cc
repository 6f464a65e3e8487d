// libFuzzer target: every address string a renderer can send, read by the
// parsers both processes share. Checks invariants, not just "no crash": a
// parsed address prints to text that parses back to itself; an IPv4-mapped
// address and its IPv4 form agree on every class; text made log-safe is
// printable ASCII. Input: the text; a '|' splits a group from a source.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/ip_address.h"
#include "common/local_network_access.h"
#include "common/log_text.h"
#include "common/socket_membership.h"

namespace {

void Check(bool condition) {
  if (!condition)
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  using common::IpAddress;
  std::optional<IpAddress> address = IpAddress::Parse(text);
  common::EndsInANumber(text);
  if (address) {
    std::optional<IpAddress> again = IpAddress::Parse(address->ToString());
    Check(again.has_value() && *again == *address);
    const IpAddress plain = address->Unmapped();
    Check(plain.IsMulticast() == address->IsMulticast());
    Check(plain.IsLoopback() == address->IsLoopback());
    Check(common::AddressSpaceOf(plain) == common::AddressSpaceOf(*address));
    if (plain.is_ipv4())
      Check(plain.Mapped().Unmapped() == plain);
  }
  const size_t bar = text.find('|');
  std::optional<std::string> source;
  if (bar != absl::string_view::npos)
    source = std::string(text.substr(bar + 1));
  auto membership = common::ParseSocketMembership(text.substr(0, bar), source);
  if (membership.ok()) {
    Check(membership->group.IsMulticast());
    Check(!membership->group.IsIpv4Mapped());
    if (membership->source) {
      Check(!membership->source->IsMulticast());
      Check(membership->source->family() == membership->group.family());
    }
  } else {
    // Messages quote what was sent only log-safe, and briefly.
    Check(membership.status().message().size() < 1024);
  }
  const std::string safe = common::LogSafe(text);
  for (char c : safe)
    Check(c >= 0x20 && c < 0x7f);
  return 0;
}
