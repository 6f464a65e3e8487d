// Runs one isolated-web-app module with only the web globals, as the
// renderer will (issue 7's first slice; UDPSocket comes next).
// Usage: run_module APP.mjs   Exit: 0 finished, 1 threw or rejected, 2 usage.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "renderer/js/js_runtime.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: run_module APP.mjs\n");
    return 2;
  }
  std::ifstream file(argv[1]);
  if (!file) {
    std::fprintf(stderr, "run_module: cannot read %s\n", argv[1]);
    return 2;
  }
  std::stringstream source;
  source << file.rdbuf();
  auto runtime = renderer::JsRuntime::Create();
  if (!runtime.ok()) {
    std::fprintf(stderr, "run_module: %s\n",
                 std::string(runtime.status().message()).c_str());
    return 1;
  }
  return (*runtime)->RunModule(argv[1], source.str());
}
