#include "tools/dsock/metrics_text.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"

namespace dsock {

namespace {

namespace admin = ::direct_sockets::admin::v1;

// A label value, escaped as the format says.
std::string Label(const std::string& value) {
  return absl::StrReplaceAll(value,
                             {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

// An RFC 3339 time as Unix seconds (0 if it does not parse).
std::string UnixSeconds(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error))
    return "0";
  // Milliseconds: StrCat's 6 significant digits would round to 1000 s.
  return absl::StrFormat("%.3f",
                         absl::ToDoubleSeconds(time - absl::UnixEpoch()));
}

void Family(std::string* text,
            const std::string& name,
            const char* type,
            const std::string& help) {
  absl::StrAppend(text, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
}

// One gauge or counter of every app: `value(app)`.
void PerApp(std::string* text,
            const admin::ServiceState& state,
            const std::string& name,
            const char* type,
            const std::string& help,
            const std::function<uint64_t(const admin::App&)>& value) {
  Family(text, name, type, help);
  for (const admin::App& app : state.apps()) {
    absl::StrAppend(text, name, "{origin=\"", Label(app.origin()), "\"} ",
                    value(app), "\n");
  }
}

}  // namespace

std::string MetricsDown() {
  std::string text;
  Family(&text, "dsock_up", "gauge",
         "Whether the network service's admin socket answered (1) or not "
         "(0).");
  absl::StrAppend(&text, "dsock_up 0\n");
  return text;
}

std::string MetricsText(const admin::ServiceState& state) {
  std::string text;
  Family(&text, "dsock_up", "gauge",
         "Whether the network service's admin socket answered (1) or not "
         "(0).");
  absl::StrAppend(&text, "dsock_up 1\n");
  Family(&text, "dsock_service_start_time_seconds", "gauge",
         "When the network service started, in Unix seconds.");
  absl::StrAppend(&text, "dsock_service_start_time_seconds ",
                  UnixSeconds(state.started_at()), "\n");
  const admin::PolicyInForce& policy = state.policy();
  Family(&text, "dsock_policy_info", "gauge",
         "The policy in force, in its labels (always 1): its directory, the "
         "SHA-256 of its files, whether it is enforced and names a Direct "
         "Sockets policy.");
  absl::StrAppend(&text, "dsock_policy_info{policy_dir=\"",
                  Label(policy.policy_dir()), "\",digest=\"",
                  Label(policy.digest()), "\",enforced=\"",
                  policy.enforced() ? "true" : "false", "\",managed=\"",
                  policy.managed() ? "true" : "false", "\"} 1\n");
  Family(&text, "dsock_policy_loaded_time_seconds", "gauge",
         "When the policy in force was loaded, in Unix seconds.");
  absl::StrAppend(&text, "dsock_policy_loaded_time_seconds ",
                  UnixSeconds(policy.loaded_at()), "\n");

  PerApp(&text, state, "dsock_app_channels", "gauge",
         "Renderer channels the app has open.",
         [](const admin::App& app) { return app.channels(); });
  PerApp(&text, state, "dsock_app_sockets", "gauge",
         "Sockets the app has (opening, open or closing).",
         [](const admin::App& app) { return app.sockets_size(); });
  PerApp(&text, state, "dsock_app_memberships", "gauge",
         "Multicast group memberships the app's sockets hold.",
         [](const admin::App& app) {
           uint64_t held = 0;
           for (const admin::Socket& socket : app.sockets())
             held += socket.memberships_size();
           return held;
         });
  PerApp(&text, state, "dsock_app_held_sends", "gauge",
         "Send requests of the app its multicast send rate holds back now.",
         [](const admin::App& app) { return app.totals().held_sends(); });
  PerApp(&text, state, "dsock_app_received_datagrams_total", "counter",
         "Datagrams the app's sockets read from the kernel.",
         [](const admin::App& app) { return app.totals().datagrams_in(); });
  PerApp(&text, state, "dsock_app_received_bytes_total", "counter",
         "Payload bytes the app's sockets read from the kernel.",
         [](const admin::App& app) { return app.totals().bytes_in(); });
  PerApp(&text, state, "dsock_app_sent_datagrams_total", "counter",
         "Datagrams the app's sockets handed to the kernel.",
         [](const admin::App& app) { return app.totals().datagrams_out(); });
  PerApp(&text, state, "dsock_app_sent_bytes_total", "counter",
         "Payload bytes the app's sockets handed to the kernel.",
         [](const admin::App& app) { return app.totals().bytes_out(); });
  PerApp(&text, state, "dsock_app_kernel_drops_total", "counter",
         "Packets the kernel dropped on the app's sockets (a full receive "
         "buffer); with UDP GRO one packet may carry up to 64 datagrams.",
         [](const admin::App& app) { return app.totals().kernel_drops(); });

  Family(&text, "dsock_refusals_total", "counter",
         "Requests the policy refused (revocations included), by app and "
         "the policy key that decided.");
  for (const admin::RefusalCount& count : state.refusal_counts()) {
    absl::StrAppend(&text, "dsock_refusals_total{origin=\"",
                    Label(count.origin()), "\",policy=\"",
                    Label(count.policy()), "\"} ", count.count(), "\n");
  }
  return text;
}

}  // namespace dsock
