#!/usr/bin/env bash
# One JS app as one test: runs APP through `dsock run` (a host, the network
# service and a sandboxed js_renderer) in a private network namespace, and
# checks what the app says of itself in its `// expect:` lines:
#   // expect: args ARG...       more `dsock run` arguments; with
#                                --policy-dir the service enforces that
#                                policy, else none
#   // expect: exit N            its exit status (default 0)
#   // expect: line TEXT         a line it prints, exactly
#   // expect: text TEXT         text one of its lines contains
#   // expect: kill-service-on TEXT   when a line starts with TEXT, this
#                                kills the app's network service
#   // expect: skip-if TEXT      the kernel lacks something the app needs
#                                when its output contains TEXT (passes,
#                                saying so)
# Usage: tests/js/run_app_test.sh APP.mjs (from the runfiles root). Root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
add_multicast_interface
app=${1:?usage: run_app_test.sh APP.mjs}
work=$(mktemp -d /tmp/dsock-app-test.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT

args=() exit_want=0 lines=() texts=() kill_on="" skip_if=""
while read -r keyword rest; do
  case $keyword in
    args) read -ra more <<<"$rest"; args+=("${more[@]}") ;;
    exit) exit_want=$rest ;;
    line) lines+=("$rest") ;;
    text) texts+=("$rest") ;;
    kill-service-on) kill_on=$rest ;;
    skip-if) skip_if=$rest ;;
    *) echo "FAIL: $app: unknown expectation \"$keyword\""; exit 1 ;;
  esac
done < <(app_expectations "$app")
if [ ${#lines[@]} = 0 ] && [ ${#texts[@]} = 0 ]; then
  echo "FAIL: $app says nothing of what it must print (// expect: line ...)"
  exit 1
fi

dsock_run_for "${args[@]}"
start app "" timeout 120 "${run[@]}" "${args[@]}" "$app"
if [ -n "$kill_on" ]; then
  if ! expect_line app "$kill_on" 60; then
    echo "FAIL: $app never printed \"$kill_on\""
  else
    kill -KILL "$(service_of app)" || echo "FAIL: no network service under it"
  fi
fi
finish app; status=$?
out=$(cat "$work/app.out" "$work/app.err")
echo "== $app (exit $status)"
grep -v '^network_service: ' <<<"$out"

if [ -n "$skip_if" ] && grep -qF -- "$skip_if" <<<"$out"; then
  echo "skipped: $app ($skip_if)"
  exit 0
fi
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$status" = "$exit_want" ] || fail "exit $status, want $exit_want"
for line in "${lines[@]}"; do
  grep -qxF -- "$line" <<<"$out" || fail "no line \"$line\""
done
for text in "${texts[@]}"; do
  grep -qF -- "$text" <<<"$out" || fail "no \"$text\""
done
grep -q '^FAIL' <<<"$out" && fail "a test of the app failed"
[ "$failures" = 0 ] && echo "ok: $app"
[ "$failures" = 0 ]
