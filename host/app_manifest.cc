#include "host/app_manifest.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/app_origin.h"

namespace host {

absl::StatusOr<AppManifest> ParseAppManifest(const std::string& text,
                                             const std::string& name,
                                             const std::string& base_dir) {
  auto error = [&name](const std::string& key, const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", key, ": ", what));
  };
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not valid JSON: ", e.what()));
  }
  if (!root.is_object())
    return error("(top level)", "expected an object with \"apps\"");
  for (const auto& [key, value] : root.items()) {
    if (key != "apps")
      return error(key, "unknown key (expected only \"apps\")");
  }
  if (!root.contains("apps") || !root["apps"].is_array())
    return error("apps", "expected an array of apps");
  AppManifest manifest;
  std::set<std::string> origins;
  const auto& apps = root["apps"];
  for (size_t i = 0; i < apps.size(); ++i) {
    const std::string at = absl::StrCat("apps[", i, "]");
    const auto& entry = apps[i];
    if (!entry.is_object())
      return error(at, "expected an object with origin and command");
    for (const auto& [key, value] : entry.items()) {
      if (key != "origin" && key != "command" && key != "permissions")
        return error(absl::StrCat(at, ".", key), "unknown key");
    }
    AppManifest::App app;
    if (!entry.contains("origin") || !entry["origin"].is_string())
      return error(at + ".origin", "expected a string");
    app.origin = entry["origin"].get<std::string>();
    if (absl::Status valid = common::CheckIsolatedAppOrigin(app.origin);
        !valid.ok()) {
      return error(at + ".origin", std::string(valid.message()));
    }
    if (!origins.insert(app.origin).second)
      return error(at + ".origin", "listed twice");
    if (!entry.contains("command") || !entry["command"].is_array() ||
        entry["command"].empty()) {
      return error(at + ".command",
                   "expected a non-empty array: program, then arguments");
    }
    for (size_t j = 0; j < entry["command"].size(); ++j) {
      if (!entry["command"][j].is_string()) {
        return error(absl::StrCat(at, ".command[", j, "]"),
                     "expected a string");
      }
      app.command.push_back(entry["command"][j].get<std::string>());
    }
    if (entry.contains("permissions")) {
      if (!entry["permissions"].is_array())
        return error(at + ".permissions", "expected an array of features");
      app.permissions.clear();
      const std::vector<std::string> known = common::KnownFeatures();
      for (size_t j = 0; j < entry["permissions"].size(); ++j) {
        const auto& feature = entry["permissions"][j];
        const std::string key = absl::StrCat(at, ".permissions[", j, "]");
        if (!feature.is_string() ||
            std::find(known.begin(), known.end(), feature.get<std::string>()) ==
                known.end()) {
          return error(key,
                       "expected \"direct-sockets\", "
                       "\"direct-sockets-multicast\", \"local-network\", "
                       "\"loopback-network\" or \"direct-sockets-private\"");
        }
        app.permissions.push_back(feature.get<std::string>());
      }
    }
    if (app.command[0].empty())
      return error(at + ".command[0]", "the program is empty");
    if (app.command[0][0] != '/' &&
        app.command[0].find('/') != std::string::npos) {
      app.command[0] = base_dir + "/" + app.command[0];
    }
    manifest.apps.push_back(std::move(app));
  }
  if (manifest.apps.empty())
    return error("apps", "lists no app");
  return manifest;
}

absl::StatusOr<AppManifest> LoadAppManifest(const std::string& path) {
  std::ifstream file(path);
  if (!file)
    return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::stringstream text;
  text << file.rdbuf();
  const size_t slash = path.rfind('/');
  return ParseAppManifest(
      text.str(), path,
      slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace host
