"""One Bazel test per JS app: js_app_tests(apps = [...]).

Each app (a .mjs file, in this package or a label's path such as
"examples/errors/type_error.mjs") becomes an sh_test named after its path
without ".mjs", "/" written "_" ("node_powers/require_dgram.mjs" is
//tests/js:node_powers_require_dgram). The test is run_app_test.sh APP,
which checks what the app's own `// expect:` lines say.
"""

_RUNTIME = [
    "//network_service",
    "//renderer/js:js_renderer",
    "//tools/dsock",
    "//tools:lib.sh",
]

def js_app_tests(apps, data = []):
    names = []
    for app in apps:
        path = app if app.startswith("examples/") else native.package_name() + "/" + app
        name = app.replace("examples/", "example_").replace(".mjs", "").replace("/", "_")
        native.sh_test(
            name = name,
            size = "medium",
            srcs = ["run_app_test.sh"],
            args = [path],
            data = _RUNTIME + data + ([] if app.startswith("examples/") else [app]),
        )
        names.append(name)
    return names
