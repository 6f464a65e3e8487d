// page_probe STEPS: drives the admin's live page (`dsock admin serve`) in
// headless Chromium (Debian's chromium) through the steps in the file
// STEPS, one a line, printing "ok STEP" for each:
//   context           a fresh browser context (no cookies) and a page in it
//   open URL          navigates the page to URL and waits for its load
//   wait TEXT         waits (up to 20 s, on the page's own mutations) until
//                     the page's text holds TEXT
//   run COMMAND       runs COMMAND with /bin/sh; it must exit 0
//   screenshot FILE   saves the page as a PNG
// Exit 0 when every step passed; 1 with the failing step and the page's
// text on stderr; 2 when the browser could not run.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/chromium/headless_chromium.h"

ABSL_FLAG(std::string,
          chromium,
          "/usr/lib/chromium/chromium",
          "The browser binary (not Debian's wrapper script).");

namespace {

constexpr absl::Duration kStep = absl::Seconds(20);

class Probe {
 public:
  explicit Probe(tests::CdpPipe* cdp) : cdp_(cdp) {}

  // Runs one step; the error says what went wrong.
  absl::Status Step(const std::string& line) {
    const size_t space = line.find(' ');
    const std::string verb = line.substr(0, space);
    const std::string rest =
        space == std::string::npos ? "" : line.substr(space + 1);
    if (verb == "context")
      return NewContext();
    if (session_.empty())
      return absl::FailedPreconditionError("no page: start with `context`");
    if (verb == "open")
      return Open(rest);
    if (verb == "wait")
      return WaitForText(rest);
    if (verb == "run") {
      const int status = std::system(rest.c_str());
      return status == 0 ? absl::OkStatus()
                         : absl::UnknownError(absl::StrCat("exit ", status));
    }
    if (verb == "screenshot")
      return Screenshot(rest);
    return absl::InvalidArgumentError(absl::StrCat("unknown step ", verb));
  }

  // The page's text now (for failures).
  std::string PageText() {
    auto text = Evaluate("document.body ? document.body.innerText : ''", kStep);
    return text.ok() ? *text : std::string(text.status().message());
  }

  void OnEvent(const nlohmann::json& event) {
    if (event.value("sessionId", "") == session_ &&
        event.value("method", "") == "Page.loadEventFired") {
      loaded_ = true;
    }
  }

 private:
  absl::Status NewContext() {
    auto context = cdp_->Call("Target.createBrowserContext",
                              nlohmann::json::object(), "", kStep);
    if (!context.ok())
      return context.status();
    auto target =
        cdp_->Call("Target.createTarget",
                   {{"url", "about:blank"},
                    {"browserContextId", (*context)["browserContextId"]}},
                   "", kStep);
    if (!target.ok())
      return target.status();
    auto attached = cdp_->Call(
        "Target.attachToTarget",
        {{"targetId", (*target)["targetId"]}, {"flatten", true}}, "", kStep);
    if (!attached.ok())
      return attached.status();
    session_ = (*attached)["sessionId"].get<std::string>();
    for (const char* method : {"Page.enable", "Runtime.enable"}) {
      auto enabled =
          cdp_->Call(method, nlohmann::json::object(), session_, kStep);
      if (!enabled.ok())
        return enabled.status();
    }
    auto sized = cdp_->Call("Emulation.setDeviceMetricsOverride",
                            {{"width", 1500},
                             {"height", 1000},
                             {"deviceScaleFactor", 1},
                             {"mobile", false}},
                            session_, kStep);
    return sized.ok() ? absl::OkStatus() : sized.status();
  }

  absl::Status Open(const std::string& url) {
    loaded_ = false;
    auto navigated =
        cdp_->Call("Page.navigate", {{"url", url}}, session_, kStep);
    if (!navigated.ok())
      return navigated.status();
    if (navigated->contains("errorText"))
      return absl::UnavailableError(
          (*navigated)["errorText"].get<std::string>());
    return cdp_->WaitFor([this] { return loaded_; }, kStep);
  }

  absl::Status WaitForText(const std::string& text) {
    const std::string quoted = nlohmann::json(text).dump();
    // Resolves when the text appears (checked at each mutation of the
    // page), or false after 20 s.
    auto seen = Evaluate(
        absl::StrCat(
            "new Promise((resolve) => {"
            "  const has = () => document.body && document.body.innerText"
            "      .includes(",
            quoted,
            ");"
            "  if (has()) return resolve('yes');"
            "  const observer = new MutationObserver(() => {"
            "    if (has()) { observer.disconnect(); resolve('yes'); } });"
            "  observer.observe(document, {subtree: true, childList: true,"
            "                              characterData: true});"
            "  setTimeout(() => { observer.disconnect(); resolve('no'); },"
            "             20000);"
            "})"),
        kStep + absl::Seconds(5));
    if (!seen.ok())
      return seen.status();
    return *seen == "yes" ? absl::OkStatus()
                          : absl::NotFoundError("not on the page in 20 s");
  }

  absl::Status Screenshot(const std::string& path) {
    auto shot = cdp_->Call("Page.captureScreenshot",
                           {{"format", "png"}, {"captureBeyondViewport", true}},
                           session_, kStep);
    if (!shot.ok())
      return shot.status();
    std::string png;
    if (!absl::Base64Unescape((*shot)["data"].get<std::string>(), &png))
      return absl::DataLossError("the screenshot is not base64");
    std::ofstream(path, std::ios::binary) << png;
    return absl::OkStatus();
  }

  // The string value of `expression` in the page (promises awaited).
  absl::StatusOr<std::string> Evaluate(const std::string& expression,
                                       absl::Duration timeout) {
    auto result = cdp_->Call("Runtime.evaluate",
                             {{"expression", expression},
                              {"awaitPromise", true},
                              {"returnByValue", true}},
                             session_, timeout);
    if (!result.ok())
      return result.status();
    if (result->contains("exceptionDetails"))
      return absl::UnknownError((*result)["exceptionDetails"].dump());
    return (*result)["result"].value("value", "");
  }

  tests::CdpPipe* const cdp_;
  std::string session_;
  bool loaded_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: page_probe [--chromium=PATH] STEPS\n");
    return 2;
  }
  std::ifstream steps(args[1]);
  if (!steps) {
    std::fprintf(stderr, "page_probe: cannot read %s\n", args[1]);
    return 2;
  }
  Probe* probe = nullptr;
  auto browser = tests::HeadlessChromium::Start(
      absl::GetFlag(FLAGS_chromium), {}, [&probe](const nlohmann::json& event) {
        if (probe != nullptr)
          probe->OnEvent(event);
      });
  if (!browser.ok()) {
    std::fprintf(stderr, "page_probe: %s\n",
                 browser.status().ToString().c_str());
    return 2;
  }
  Probe steps_probe(&(*browser)->cdp());
  probe = &steps_probe;
  std::string line;
  while (std::getline(steps, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    absl::Status done = steps_probe.Step(line);
    if (!done.ok()) {
      std::fprintf(stderr, "page_probe: %s: %s\nthe page's text:\n%s\n",
                   line.c_str(), done.ToString().c_str(),
                   steps_probe.PageText().c_str());
      return 1;
    }
    std::printf("ok %s\n", line.c_str());
    std::fflush(stdout);
  }
  return 0;
}
