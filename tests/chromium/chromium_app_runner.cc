// chromium_app_runner APP.mjs: runs one JS app as an Isolated Web App in
// headless Chromium (Debian's chromium 156), as `dsock run APP.mjs` runs it
// in our renderer, and reports the same way: each console line on stdout,
// then, if the app's module rejected, "uncaught NAME: message" on stderr
// and exit 1; exit 0 when it finished; exit 2 when the browser could not
// run it (the reason on stderr). The recipe is docs/testing.md's
// ("Differential runs in Chromium").
//
// The browser gets a profile, HOME and XDG directories of its own under a
// temporary directory that this removes, its own process group that this
// ends, and the app's permissions-policy features (--permissions, as
// `dsock run`'s) in the manifest and as granted Local Network Access
// permissions. Run it inside a network namespace with a multicast route
// (tests/chromium/differential_test.sh makes one).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/chromium/cdp_pipe.h"
#include "tests/chromium/headless_chromium.h"
#include "tests/chromium/iwa_server.h"

ABSL_FLAG(std::string,
          permissions,
          "direct-sockets,direct-sockets-multicast,local-network,"
          "loopback-network",
          "The app's permissions-policy features, comma-separated.");
ABSL_FLAG(std::string,
          chromium,
          "/usr/lib/chromium/chromium",
          "The browser binary (not Debian's wrapper script).");
ABSL_FLAG(int, timeout_s, 60, "Give up on the app after this long.");
ABSL_FLAG(bool,
          print_origin,
          false,
          "Print the origin apps run at and exit (to run the same app at the "
          "same origin through dsock run).");

namespace {

// A fixed dev-proxy app ID: 32 bytes and the type suffix 00 00 02, base32.
constexpr char kAppId[] =
    "mnuhe33nnf2w2llsmvtc2zdjojswg5bnonxwg23forzs25dfon2aaaac";

constexpr int kRunnerError = 2;

// The text of one console argument, as our renderer prints it.
std::string ArgumentText(const nlohmann::json& argument) {
  if (argument.contains("value")) {
    const nlohmann::json& value = argument["value"];
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (argument.contains("unserializableValue"))
    return argument["unserializableValue"].get<std::string>();
  return argument.value("description", argument.value("type", "?"));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string origin = absl::StrCat("isolated-app://", kAppId);
  if (absl::GetFlag(FLAGS_print_origin)) {
    std::printf("%s\n", origin.c_str());
    return 0;
  }
  if (args.size() != 2) {
    std::fprintf(stderr,
                 "usage: chromium_app_runner [--permissions=LIST] "
                 "APP.mjs\n");
    return kRunnerError;
  }
  const std::filesystem::path app = std::filesystem::absolute(args[1]);
  const std::set<std::string> features =
      absl::StrSplit(absl::GetFlag(FLAGS_permissions), ',', absl::SkipEmpty());
  auto server = tests::IwaServer::Start(app.parent_path().string(), features);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return kRunnerError;
  }

  std::vector<std::string> console;
  std::string session;
  // The app page's default execution context, once it exists: evaluating
  // before it does fails ("Cannot find default execution context").
  std::optional<int64_t> app_context;
  auto on_event = [&](const nlohmann::json& event) {
    if (event.value("sessionId", "") != session)
      return;
    const std::string method = event.value("method", "");
    if (method == "Runtime.executionContextCreated") {
      const nlohmann::json& context = event["params"]["context"];
      if (context.value("origin", "") == origin &&
          context.value("auxData", nlohmann::json::object())
              .value("isDefault", false)) {
        app_context = context["id"].get<int64_t>();
      }
      return;
    }
    if (method == "Runtime.executionContextsCleared") {
      app_context.reset();
      return;
    }
    if (method != "Runtime.consoleAPICalled")
      return;
    std::vector<std::string> parts;
    for (const nlohmann::json& argument : event["params"]["args"])
      parts.push_back(ArgumentText(argument));
    std::printf("%s\n", absl::StrJoin(parts, " ").c_str());
    std::fflush(stdout);
  };
  absl::StatusOr<std::unique_ptr<tests::HeadlessChromium>> browser =
      tests::HeadlessChromium::Start(
          absl::GetFlag(FLAGS_chromium),
          {"--enable-features=IsolatedWebApps,IsolatedWebAppDevMode,"
           "SourceSpecificMulticastInDirectSockets"},
          on_event);
  if (!browser.ok()) {
    std::fprintf(stderr, "chromium_app_runner: %s\n",
                 browser.status().ToString().c_str());
    return kRunnerError;
  }
  tests::CdpPipe& cdp = (*browser)->cdp();
  const absl::Duration step = absl::Seconds(20);
  auto fail = [&](const absl::Status& status) {
    std::fprintf(stderr, "chromium_app_runner: %s (browser log: %s)\n",
                 status.ToString().c_str(), (*browser)->log_path().c_str());
    return kRunnerError;
  };
  const std::string manifest_id = origin + "/";
  auto installed =
      cdp.Call("PWA.install",
               {{"manifestId", manifest_id},
                {"installUrlOrBundleUrl",
                 absl::StrCat("http://127.0.0.1:", (*server)->port(), "/")}},
               "", step);
  if (!installed.ok())
    return fail(installed.status());
  // Local Network Access, as a user's grant: one call each (a
  // grantPermissions call would deny what it does not list).
  std::vector<std::string> grants;
  if (features.count("local-network") > 0)
    grants = {"local-network-access", "local-network"};
  if (features.count("loopback-network") > 0)
    grants.push_back("loopback-network");
  for (const std::string& name : grants) {
    auto granted = cdp.Call("Browser.setPermission",
                            {{"permission", {{"name", name}}},
                             {"setting", "granted"},
                             {"origin", origin}},
                            "", step);
    if (!granted.ok())
      return fail(granted.status());
  }
  auto launched =
      cdp.Call("PWA.launch", {{"manifestId", manifest_id}}, "", step);
  if (!launched.ok())
    return fail(launched.status());
  // PWA.launch names the app's tab; its page is the target with a Runtime.
  std::string page;
  for (int attempt = 0; attempt < 100 && page.empty(); ++attempt) {
    auto targets =
        cdp.Call("Target.getTargets", nlohmann::json::object(), "", step);
    if (!targets.ok())
      return fail(targets.status());
    for (const nlohmann::json& target : (*targets)["targetInfos"]) {
      if (target.value("type", "") == "page" &&
          target.value("url", "").rfind(origin, 0) == 0) {
        page = target["targetId"].get<std::string>();
      }
    }
  }
  if (page.empty())
    return fail(absl::NotFoundError("the app's page never appeared"));
  auto attached = cdp.Call("Target.attachToTarget",
                           {{"targetId", page}, {"flatten", true}}, "", step);
  if (!attached.ok())
    return fail(attached.status());
  session = (*attached)["sessionId"].get<std::string>();
  auto enabled =
      cdp.Call("Runtime.enable", nlohmann::json::object(), session, step);
  if (!enabled.ok())
    return fail(enabled.status());
  absl::Status ready =
      cdp.WaitFor([&] { return app_context.has_value(); }, step);
  if (!ready.ok())
    return fail(ready);
  auto evaluated = cdp.Call(
      "Runtime.evaluate",
      {{"expression",
        absl::StrCat("import('", origin, "/", app.filename().string(), "')")},
       {"contextId", *app_context},
       {"awaitPromise", true}},
      session, absl::Seconds(absl::GetFlag(FLAGS_timeout_s)));
  if (!evaluated.ok())
    return fail(evaluated.status());
  if (evaluated->contains("exceptionDetails")) {
    const nlohmann::json& details = (*evaluated)["exceptionDetails"];
    std::string text = details.contains("exception")
                           ? details["exception"].value("description", "")
                           : details.value("text", "");
    text = text.substr(0, text.find('\n'));
    std::fprintf(stderr, "uncaught %s\n", text.c_str());
    return 1;
  }
  return 0;
}
