#include "policy/policy_loader.h"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/app_origin.h"
#include "common/socket_limits.h"
#include "google/protobuf/util/json_util.h"
#include "openssl/evp.h"
#include "policy/policy_json.h"

namespace policy {
namespace {

namespace pb = ::direct_sockets::policy::v1;

// An origin list entry: an isolated-app origin or "isolated-app://*".
bool CheckOrigin(const std::string& at,
                 const std::string& origin,
                 std::vector<std::string>* errors) {
  if (origin == "*") {
    errors->push_back(absl::StrCat(
        at,
        ": a bare \"*\" is not accepted; list isolated-app:// origins, "
        "or isolated-app://* for every isolated app"));
    return false;
  }
  if (origin == "isolated-app://*")
    return true;
  absl::Status valid = common::CheckIsolatedAppOrigin(origin);
  if (!valid.ok()) {
    errors->push_back(absl::StrCat(at, ": ", valid.message()));
    return false;
  }
  return true;
}

void CheckSetting(const std::string& at,
                  int value,
                  std::vector<std::string>* errors) {
  if (value != 1 && value != 2) {
    errors->push_back(
        absl::StrCat(at, ": expected 1 (allow) or 2 (block), got ", value));
  }
}

std::vector<Cidr> ParseCidrs(
    const std::string& at,
    const google::protobuf::RepeatedPtrField<std::string>& texts,
    bool multicast,
    std::vector<std::string>* errors) {
  std::vector<Cidr> cidrs;
  for (int i = 0; i < texts.size(); ++i) {
    const std::string key = absl::StrCat(at, "[", i, "]");
    std::optional<Cidr> cidr = Cidr::Parse(texts[i]);
    if (!cidr) {
      errors->push_back(absl::StrCat(
          key, ": \"", texts[i],
          "\" is not a CIDR (ADDRESS/LENGTH with no bits set past LENGTH, "
          "e.g. 239.10.0.0/16 or ff3e::/16)"));
      continue;
    }
    const auto base =
        common::IpAddress::Parse(texts[i].substr(0, texts[i].find('/')));
    if (multicast != base->IsMulticast()) {
      errors->push_back(absl::StrCat(
          key, ": \"", texts[i], "\" is ",
          multicast ? "not a multicast range (224.0.0.0/4, ff00::/8)"
                    : "a multicast range; sources are unicast senders"));
      continue;
    }
    cidrs.push_back(*cidr);
  }
  return cidrs;
}

bool ParsePort(absl::string_view text, uint16_t* port) {
  uint32_t value;
  if (!absl::SimpleAtoi(text, &value) ||
      value < common::kFirstUnprivilegedPort || value > 65535) {
    return false;
  }
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

void PolicyBuilder::AddJson(const std::string& name,
                            const std::string& text,
                            std::vector<std::string>* errors,
                            std::vector<std::string>* warnings) {
  policy_.files_.push_back(name);
  absl::StrAppend(&read_, name, std::string(1, '\0'), text,
                  std::string(1, '\0'));
  // Syntax, duplicate keys, types and unknown keys, in words an admin can
  // act on (policy_json.h); protobuf's parser sees only the known keys.
  std::optional<std::string> known =
      CheckPolicyJson(name, text, errors, warnings);
  if (!known)
    return;
  pb::PolicyFile file;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(*known, &file, options);
  if (!parsed.ok()) {
    // A number out of its field's range, say: protobuf names the key path.
    errors->push_back(absl::StrCat(name, ": ", std::string(parsed.message())));
    return;
  }
  Add(name, file, errors);
}

void PolicyBuilder::Add(const std::string& name,
                        const pb::PolicyFile& file,
                        std::vector<std::string>* errors) {
  policy_.managed_ = true;
  auto lists = [&](const char* key,
                   const google::protobuf::RepeatedPtrField<std::string>& list,
                   std::vector<std::string>* into,
                   std::vector<std::pair<std::string, std::string>>* from) {
    for (int i = 0; i < list.size(); ++i) {
      if (CheckOrigin(absl::StrCat(name, ": ", key, "[", i, "]"), list[i],
                      errors)) {
        into->push_back(list[i]);
        from->push_back({list[i], name});
      }
    }
  };
  if (file.has_defaultdirectsocketssetting()) {
    CheckSetting(absl::StrCat(name, ": DefaultDirectSocketsSetting"),
                 file.defaultdirectsocketssetting(), errors);
    policy_.default_setting_ = file.defaultdirectsocketssetting();
  }
  if (file.has_defaultdirectsocketsprivatenetworkaccesssetting()) {
    CheckSetting(
        absl::StrCat(name, ": DefaultDirectSocketsPrivateNetworkAccessSetting"),
        file.defaultdirectsocketsprivatenetworkaccesssetting(), errors);
    policy_.default_private_setting_ =
        file.defaultdirectsocketsprivatenetworkaccesssetting();
  }
  lists("DirectSocketsAllowedForUrls", file.directsocketsallowedforurls(),
        &policy_.allowed_, &allowed_from_);
  lists("DirectSocketsBlockedForUrls", file.directsocketsblockedforurls(),
        &policy_.blocked_, &blocked_from_);
  lists("DirectSocketsPrivateNetworkAccessAllowedForUrls",
        file.directsocketsprivatenetworkaccessallowedforurls(),
        &policy_.private_allowed_, &private_allowed_from_);
  lists("DirectSocketsPrivateNetworkAccessBlockedForUrls",
        file.directsocketsprivatenetworkaccessblockedforurls(),
        &policy_.private_blocked_, &private_blocked_from_);

  for (int r = 0; r < file.directsocketsmulticastrules_size(); ++r) {
    const pb::MulticastRule& in = file.directsocketsmulticastrules(r);
    const std::string at =
        absl::StrCat(name, ": DirectSocketsMulticastRules[", r, "]");
    MulticastRule rule;
    rule.key = absl::StrCat("DirectSocketsMulticastRules[",
                            policy_.rules_.size(), "]");
    rule.file = name;
    if (in.origins().empty())
      errors->push_back(at + ".origins: lists no app");
    for (int i = 0; i < in.origins_size(); ++i) {
      if (CheckOrigin(absl::StrCat(at, ".origins[", i, "]"), in.origins(i),
                      errors)) {
        rule.origins.push_back(in.origins(i));
      }
    }
    rule.receive_groups =
        ParseCidrs(at + ".receive_groups", in.receive_groups(), true, errors);
    rule.send_groups =
        ParseCidrs(at + ".send_groups", in.send_groups(), true, errors);
    rule.ssm_sources =
        ParseCidrs(at + ".ssm_sources", in.ssm_sources(), false, errors);
    for (int i = 0; i < in.ports_size(); ++i) {
      std::vector<absl::string_view> ends = absl::StrSplit(in.ports(i), '-');
      uint16_t low = 0, high = 0;
      const bool ok = ends.size() <= 2 && ParsePort(ends[0], &low) &&
                      ParsePort(ends.back(), &high) && low <= high;
      if (!ok) {
        errors->push_back(
            absl::StrCat(at, ".ports[", i, "]: \"", in.ports(i),
                         "\" is not a port or range of 1024..65535 (\"5004\", "
                         "\"5000-5010\")"));
        continue;
      }
      rule.ports.push_back({low, high});
    }
    if (in.has_max_ttl()) {
      if (in.max_ttl() > 255) {
        errors->push_back(
            absl::StrCat(at, ".max_ttl: expected 0..255, got ", in.max_ttl()));
      }
      rule.max_ttl = in.max_ttl();
    }
    if (in.has_allow_address_sharing())
      rule.allow_address_sharing = in.allow_address_sharing();
    if (in.has_allow_loopback())
      rule.allow_loopback = in.allow_loopback();
    if (in.has_max_memberships())
      rule.max_memberships = in.max_memberships();
    rule.max_datagrams_per_second = in.max_datagrams_per_second();
    rule.max_bytes_per_second = in.max_bytes_per_second();
    policy_.rules_.push_back(std::move(rule));
  }
}

Policy PolicyBuilder::Build(std::vector<std::string>* errors) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(read_.data(), read_.size(), digest, &length, EVP_sha256(),
                 nullptr) == 1) {
    policy_.digest_ = absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(digest), length));
  }
  auto conflicts =
      [&](const char* allowed_key, const char* blocked_key,
          const std::vector<std::pair<std::string, std::string>>& allowed,
          const std::vector<std::pair<std::string, std::string>>& blocked) {
        for (const auto& [origin, allowed_file] : allowed) {
          for (const auto& [blocked_origin, blocked_file] : blocked) {
            if (origin == blocked_origin) {
              errors->push_back(absl::StrCat(
                  "conflict: ", origin, " is in ", allowed_key, " (",
                  allowed_file, ") and in ", blocked_key, " (", blocked_file,
                  "); list it in one of them"));
            }
          }
        }
      };
  conflicts("DirectSocketsAllowedForUrls", "DirectSocketsBlockedForUrls",
            allowed_from_, blocked_from_);
  conflicts("DirectSocketsPrivateNetworkAccessAllowedForUrls",
            "DirectSocketsPrivateNetworkAccessBlockedForUrls",
            private_allowed_from_, private_blocked_from_);
  return policy_;
}

Policy LoadPolicyDirectory(const std::string& dir,
                           std::vector<std::string>* errors,
                           std::vector<std::string>* warnings) {
  std::vector<std::string> names;
  if (DIR* listing = opendir(dir.c_str())) {
    while (dirent* entry = readdir(listing)) {
      const std::string name = entry->d_name;
      if (name.size() > 5 && absl::EndsWith(name, ".json") && name[0] != '.') {
        names.push_back(name);
      }
    }
    closedir(listing);
  } else if (errno != ENOENT) {
    // A directory that is there but cannot be read is not "no policy".
    errors->push_back(absl::StrCat("cannot read the policy directory ", dir,
                                   ": ", strerror(errno)));
  }
  std::sort(names.begin(), names.end());
  PolicyBuilder builder;
  for (const std::string& name : names) {
    std::ifstream file(dir + "/" + name);
    if (!file) {
      errors->push_back(absl::StrCat(name, ": cannot read"));
      continue;
    }
    std::stringstream text;
    text << file.rdbuf();
    builder.AddJson(name, text.str(), errors, warnings);
  }
  return builder.Build(errors);
}

}  // namespace policy
