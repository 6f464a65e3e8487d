#!/usr/bin/env bash
# The JS conformance suite, in the spirit of web-platform-tests for Direct
# Sockets: every tests/js/*_test.mjs runs as an isolated app through
# `dsock run` (a host, the network service and a sandboxed js_renderer) and
# must print PASS for each of its tests. Then the apps that try Node's
# powers must fail with the error named here, reported by the renderer.
# Everything runs in a private network namespace this script makes (and
# the kernel removes when it exits). Needs root.
set -uo pipefail
source tests/js/app_lib.sh
add_multicast_interface

dir=tests/js
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run_app APP: runs it (bounded) and sets $out and $status.
run_app() {
  out=$(timeout 120 "${dsock[@]}" "$1" 2>&1); status=$?
}

# expect_lines LABEL LINE... -- ARGS...: runs `dsock run ARGS` once
# (bounded); it must exit 0 and print each LINE exactly.
expect_lines() {
  local label=$1 lines=() line
  shift
  while [ "$1" != -- ]; do lines+=("$1"); shift; done
  shift
  local run=("${dsock[@]}")
  [[ " $* " == *" --policy-dir "* ]] && run=("${dsock_managed[@]}")
  out=$(timeout 60 "${run[@]}" "$@" 2>&1); status=$?
  for line in "${lines[@]}"; do
    if [ "$status" != 0 ] || ! grep -qxF -- "$line" <<<"$out"; then
      fail "$label exited $status (want 0) without \"$line\": $out"
    else
      echo "ok: $label: $line"
    fi
  done
}

for app in "$dir"/*_test.mjs; do
  run_app "$app"
  echo "== $app (exit $status)"
  echo "$out" | grep -v '^network_service: '
  if [ "$status" != 0 ] || grep -q '^FAIL' <<<"$out" || ! grep -q ' passed$' <<<"$out"; then
    fail "$app"
  fi
done

# The service dies under an app: it prints READY, this kills the service
# (a child of dsock run's host), the app checks what a page sees.
start_app "$dir/service_death.mjs"
out=""
while IFS= read -r -t 30 line <&3; do
  out+="$line"$'\n'
  if [[ "$line" == READY* ]]; then
    kill -KILL "$(service_of_app)" ||
      fail "service_death.mjs: no network service under dsock run"
  fi
done
exec 3<&-
wait "$app"; status=$?
echo "== service_death.mjs (exit $status)"
echo "$out" | grep -v '^network_service: '
if [ "$status" != 0 ] || grep -q '^FAIL' <<<"$out" || ! grep -q '2 of 2 passed' <<<"$out"; then
  fail service_death.mjs
fi

# expect_failure APP TEXT: the app exits 1 and the renderer says TEXT.
expect_failure() {
  run_app "$dir/node_powers/$1"
  check_failure "$@"
}
# check_failure APP TEXT: the same, on the run already in $out and $status.
check_failure() {
  if [ "$status" != 1 ] || ! grep -qF -- "$2" <<<"$out"; then
    fail "$1 exited $status (want 1) and said: $out"
  else
    echo "ok: $1 refused: $(grep -F -- "$2" <<<"$out")"
  fi
}
expect_failure require_dgram.mjs "uncaught ReferenceError: require is not defined"
expect_failure import_node_net.mjs \
  'uncaught TypeError: import of "node:net" is not available to isolated web app code here'
expect_failure process_exit.mjs "uncaught ReferenceError: process is not defined"
expect_failure import_outside_app.mjs "leaves the app's directory"
expect_failure escape_to_node_socket.mjs "uncaught Error: socket() refused: EPERM"
expect_failure escape_to_process_powers.mjs \
  "uncaught Error: signal to the host: EPERM; effective capabilities: 0000000000000000"
# Files: only where the kernel has Landlock (the renderer says when not).
run_app "$dir/node_powers/escape_to_files.mjs"
if grep -q "this kernel has no Landlock" <<<"$out"; then
  echo "skipped: escape_to_files.mjs (this kernel has no Landlock)"
else
  check_failure escape_to_files.mjs \
    "uncaught Error: read /etc/hostname: EACCES; create a file: EACCES"
fi

# The app's permissions-policy features (its manifest's "permissions").
expect_lines "no_multicast.mjs with direct-sockets,direct-sockets-private" \
  "multicastController: undefined" \
  "constructor: DOMException NotAllowedError: multicast options need the direct-sockets-multicast permission, which this app's manifest does not grant" \
  -- --permissions direct-sockets,direct-sockets-private "$dir/permissions/no_multicast.mjs"
expect_lines "no_private.mjs with direct-sockets" \
  "opened: NotAllowedError: a bound socket needs the local-network permission (Local Network Access; direct-sockets-private is its older name), which this app's manifest does not grant" \
  "127.0.0.1: NotAllowedError" \
  "0x7f.1: NotAllowedError" \
  "localhost: NotAllowedError" \
  "10.78.0.1: NotAllowedError" \
  "239.0.0.1: NotAllowedError" \
  -- --permissions direct-sockets "$dir/permissions/no_private.mjs"

# The admin's policy (policy/examples) seen from JS.
expect_lines policy_refusal.mjs \
  "joined: 239.0.0.1" \
  "joinGroup: NotAllowedError: DirectSocketsMulticastRules[0].receive_groups: 239.9.9.9 is outside the groups allowed for isolated-app://asmreceiver" \
  "write: NotAllowedError: DirectSocketsMulticastRules[0].send_groups: 239.0.0.1 is outside the groups allowed for isolated-app://asmreceiver" \
  "close: NotAllowedError" \
  "opened: NotAllowedError: DirectSocketsMulticastRules[0].ports: port 5000 is not allowed for isolated-app://asmreceiver" \
  -- --policy-dir policy/examples --origin isolated-app://asmreceiver \
  "$dir/permissions/policy_refusal.mjs"

# The ways page JavaScript once got past the policy (docs/security.md).
expect_lines bypasses.mjs \
  "4026531834: NotAllowedError" \
  "239.11.1: NotAllowedError" \
  "0xef0b0102: NotAllowedError" \
  "224.0.251: NotAllowedError" \
  "0357.0.1.1: NotAllowedError" \
  "::ffff:224.0.0.251: NotAllowedError" \
  "1.2.3.4.5: TypeError" \
  "::ffff:239.11.0.1 write: NotAllowedError" \
  "239.0.1: opened to 239.0.0.1" \
  -- --policy-dir policy/examples --origin isolated-app://sender \
  "$dir/permissions/bypasses.mjs"

# A host manifest runs JS apps as dsock run does: two apps, one host.
manifest=$(mktemp /tmp/dsock-js-manifest.XXXXXX)
cat >"$manifest" <<JSON
{"apps": [
  {"origin": "isolated-app://echoserver",
   "command": ["$PWD/renderer/js/js_renderer", "$PWD/$dir/host/echo_server.mjs"]},
  {"origin": "isolated-app://echoclient",
   "command": ["$PWD/renderer/js/js_renderer", "$PWD/$dir/host/echo_client.mjs"]}
]}
JSON
out=$(timeout 60 host/host_main --manifest="$manifest" \
  --network_service=network_service/network_service 2>&1); status=$?
rm -f "$manifest"
if [ "$status" != 0 ] || ! grep -qx 'client got "HELLO HOST"' <<<"$out" ||
   ! grep -qx 'server answered "hello host"' <<<"$out"; then
  fail "host manifest with two JS apps exited $status: $out"
else
  echo 'ok: host_main ran two JS apps: client got "HELLO HOST"'
fi

# examples/errors: one app per error a page can meet, each printing it.
expect_lines examples/errors/type_error.mjs \
  "constructor: TypeError: multicastTimeToLive: value 256 is outside the range 0..255" \
  'joinGroup: TypeError: groupAddress "example.com" is not an IP address literal (host names are not allowed)' \
  -- examples/errors/type_error.mjs
expect_lines examples/errors/invalid_state_error.mjs \
  "joinGroup: InvalidStateError: 239.0.0.1: already joined on this socket" \
  "joinGroup: InvalidStateError: 239.0.0.2: the socket is closed" \
  -- examples/errors/invalid_state_error.mjs
expect_lines examples/errors/not_allowed_error.mjs \
  "opened: NotAllowedError: localPort 80 is below 1024; Direct Sockets may not bind privileged ports" \
  -- examples/errors/not_allowed_error.mjs
expect_lines examples/errors/network_error.mjs \
  "opened: NetworkError: binding 192.0.2.1:40000: address not available (EADDRNOTAVAIL)" \
  -- examples/errors/network_error.mjs
expect_lines examples/errors/abort_error.mjs \
  "joinGroup: AbortError: the socket closed before the join of 239.0.0.1 completed" \
  -- examples/errors/abort_error.mjs

[ "$failures" = 0 ] && echo "all passed"
[ "$failures" = 0 ]
