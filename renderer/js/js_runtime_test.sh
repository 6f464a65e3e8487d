#!/usr/bin/env bash
# The renderer's JS engine: web globals only, modules with top-level await,
# errors reported with their name and message, no Node powers.
set -uo pipefail
run=renderer/js/js_renderer
data=renderer/js/testdata
failures=0
check() {  # check STATUS WORDS FILE
  local out got
  out=$("$run" "$data/$3" 2>&1); got=$?
  if [ "$got" != "$1" ] || ! grep -qF -- "$2" <<<"$out"; then
    echo "FAIL: $3 exited $got (want $1), said: $out"; failures=$((failures + 1))
  else
    echo "ok: $3"
  fi
}
check 0 "require:undefined process:undefined Buffer:undefined module:undefined __dirname:undefined" web_globals.mjs
check 0 "encoded 6 héllo" web_globals.mjs
check 0 "stream chunk function function" web_globals.mjs
check 0 "DOMException NetworkError" web_globals.mjs
check 0 "more isolated-app://x/a ok 16 true" web_globals.mjs
check 0 "leaked: nothing; foreign errors: no" no_way_out.mjs
check 1 "throws.mjs: uncaught InvalidStateError: the socket is closed" throws.mjs
check 1 'Failed to fetch dynamically imported module: node:fs' imports_node.mjs
check 1 "never_settles.mjs: the module's top-level await never settled" never_settles.mjs
check 1 "stack.mjs: uncaught RangeError: too deep" stack.mjs
check 1 "at outer (" stack.mjs
[ "$failures" = 0 ]
