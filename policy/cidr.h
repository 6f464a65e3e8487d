#ifndef POLICY_CIDR_H_
#define POLICY_CIDR_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/ip_address.h"

namespace policy {

// An IPv4 or IPv6 prefix such as "239.10.0.0/16" or "ff3e::/16"; a bare
// address is a full-length prefix. A value type; any thread.
class Cidr {
 public:
  // nullopt unless `text` is ADDRESS or ADDRESS/LENGTH with LENGTH within
  // the family's bits and no host bits set beyond it.
  static std::optional<Cidr> Parse(absl::string_view text);

  bool Contains(const common::IpAddress& address) const;
  // A single address (/32, /128).
  bool is_single_address() const { return length_ == bits(); }
  std::string ToString() const;

 private:
  int bits() const { return base_.is_ipv4() ? 32 : 128; }

  common::IpAddress base_;
  int length_ = 0;
};

}  // namespace policy

#endif  // POLICY_CIDR_H_
