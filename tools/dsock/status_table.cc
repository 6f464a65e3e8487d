#include "tools/dsock/status_table.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace dsock {

namespace {

namespace admin = ::direct_sockets::admin::v1;

// Rows of cells printed with each column as wide as its widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Text() const {
    std::vector<size_t> widths;
    for (const std::vector<std::string>& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()));
      for (size_t i = 0; i < row.size(); ++i)
        widths[i] = std::max(widths[i], row[i].size());
    }
    std::string text;
    for (const std::vector<std::string>& row : rows_) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size())
          line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
      absl::StrAppend(&text, line, "\n");
    }
    return text;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string HostPort(const std::string& address, uint32_t port) {
  if (address.empty())
    return "-";
  return address.find(':') != std::string::npos
             ? absl::StrCat("[", address, "]:", port)
             : absl::StrCat(address, ":", port);
}

std::string Age(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds);
  if (s < 60)
    return absl::StrCat(s, "s");
  if (s < 3600)
    return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, (s / 60) % 60);
}

// "2026-12-02T11:16:49.123+00:00" -> "11:16:49".
std::string ClockTime(const std::string& rfc3339) {
  const size_t t = rfc3339.find('T');
  return t == std::string::npos ? rfc3339 : rfc3339.substr(t + 1, 8);
}

std::string PolicyLine(const admin::PolicyInForce& policy) {
  if (!policy.enforced()) {
    return "policy: NOT ENFORCED (--unsafe-development-mode): every app may "
           "use multicast";
  }
  if (policy.policy_dir().empty()) {
    return "policy: none given (an unmanaged device: no app may use "
           "multicast)";
  }
  return absl::StrCat(
      "policy: ", policy.policy_dir(), ", ", policy.files_size(),
      policy.files_size() == 1 ? " file" : " files",
      policy.managed() ? "" : " (none names a Direct Sockets policy)",
      ", sha256 ", policy.digest().substr(0, 12), ", loaded ",
      ClockTime(policy.loaded_at()));
}

// A socket's datagrams a second since `previous` (of the same id), or "".
std::string Rate(uint64_t now, uint64_t before, double seconds) {
  if (seconds <= 0 || now < before)
    return "";
  return absl::StrFormat(" (%.1f/s)", (now - before) / seconds);
}

}  // namespace

std::string StatusTable(const admin::ServiceState& state,
                        const admin::ServiceState* previous) {
  absl::Time now, then;
  std::string error;
  double interval = 0;
  std::map<uint64_t, const admin::Socket*> before;
  if (previous != nullptr &&
      absl::ParseTime(absl::RFC3339_full, state.now(), &now, &error) &&
      absl::ParseTime(absl::RFC3339_full, previous->now(), &then, &error)) {
    interval = absl::ToDoubleSeconds(now - then);
    for (const admin::App& app : previous->apps()) {
      for (const admin::Socket& socket : app.sockets())
        before[socket.id()] = &socket;
    }
  }

  absl::Time started;
  double up = 0;
  if (absl::ParseTime(absl::RFC3339_full, state.started_at(), &started,
                      &error) &&
      absl::ParseTime(absl::RFC3339_full, state.now(), &now, &error)) {
    up = absl::ToDoubleSeconds(now - started);
  }
  std::string text = absl::StrCat("network service pid ", state.pid(), ", up ",
                                  Age(up), ", at ", ClockTime(state.now()),
                                  "\n", PolicyLine(state.policy()), "\n\n");

  Table apps({"APP", "MULTICAST RULE", "CHANNELS", "SOCKETS", "MEMBERSHIPS"});
  Table sockets({"SOCKET", "APP", "STATE", "LOCAL", "PEER", "TTL", "LOOP",
                 "SHARE", "AGE", "DATAGRAMS IN", "BYTES IN", "DATAGRAMS OUT",
                 "BYTES OUT", "DROPS", "HELD"});
  Table memberships({"SOCKET", "APP", "GROUP", "SOURCE", "SINCE"});
  for (const admin::App& app : state.apps()) {
    int joined = 0;
    for (const admin::Socket& socket : app.sockets()) {
      joined += socket.memberships_size();
      const admin::Counters& counters = socket.counters();
      const admin::Socket* earlier =
          before.count(socket.id()) ? before[socket.id()] : nullptr;
      sockets.Add(
          {absl::StrCat(socket.id()), app.origin(), socket.state(),
           HostPort(socket.local_address(), socket.local_port()),
           HostPort(socket.remote_address(), socket.remote_port()),
           absl::StrCat(socket.options().multicast_ttl()),
           socket.options().multicast_loopback() ? "on" : "off",
           socket.options().allow_address_sharing() ? "yes" : "no",
           Age(socket.age_seconds()),
           absl::StrCat(counters.datagrams_in(),
                        earlier
                            ? Rate(counters.datagrams_in(),
                                   earlier->counters().datagrams_in(), interval)
                            : ""),
           absl::StrCat(counters.bytes_in()),
           absl::StrCat(
               counters.datagrams_out(),
               earlier ? Rate(counters.datagrams_out(),
                              earlier->counters().datagrams_out(), interval)
                       : ""),
           absl::StrCat(counters.bytes_out()),
           absl::StrCat(counters.kernel_drops()),
           absl::StrCat(counters.held_sends())});
      for (const admin::Membership& membership : socket.memberships()) {
        memberships.Add(
            {absl::StrCat(socket.id()), app.origin(), membership.group(),
             membership.source().empty() ? "(any)" : membership.source(),
             ClockTime(membership.since())});
      }
    }
    apps.Add({app.origin(),
              app.multicast_rule().empty()
                  ? "(none)"
                  : absl::StrCat(app.multicast_rule(), " (",
                                 app.multicast_rule_file(), ")"),
              absl::StrCat(app.channels()), absl::StrCat(app.sockets_size()),
              absl::StrCat(joined)});
  }
  if (state.apps().empty()) {
    absl::StrAppend(&text, "No app has a channel or a socket.\n");
  } else {
    absl::StrAppend(&text, apps.Text(), "\n", sockets.Text(), "\n");
    absl::StrAppend(&text, memberships.Text(), "\n");
  }

  uint64_t refused = 0;
  for (const admin::RefusalCount& count : state.refusal_counts())
    refused += count.count();
  const int shown = std::min(kRefusalsShown, state.recent_refusals_size());
  if (refused == 0) {
    absl::StrAppend(&text, "No refusals since the service started.\n");
    return text;
  }
  absl::StrAppend(&text, "REFUSALS: ", refused,
                  " since the service started; the latest ", shown, ":\n");
  Table refusals({"TIME", "APP", "ACTION", "TARGET", "POLICY", "REASON"});
  for (int i = state.recent_refusals_size() - shown;
       i < state.recent_refusals_size(); ++i) {
    const admin::Refusal& refusal = state.recent_refusals(i);
    refusals.Add({ClockTime(refusal.time()), refusal.origin(),
                  refusal.revoked()
                      ? absl::StrCat(refusal.action(), " (revoked)")
                      : refusal.action(),
                  refusal.target(), refusal.policy(), refusal.reason()});
  }
  absl::StrAppend(&text, refusals.Text());
  return text;
}

}  // namespace dsock
