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
  expect_failure escape_to_files.mjs \
    "uncaught Error: read /etc/hostname: EACCES; create a file: EACCES"
fi

# The app's permissions-policy features (its manifest's "permissions").
# expect_with_permissions LIST APP LINE: the app exits 0 and prints LINE.
expect_with_permissions() {
  out=$(timeout 60 "${dsock[@]}" --permissions "$1" "$dir/permissions/$2" 2>&1); status=$?
  if [ "$status" != 0 ] || ! grep -qxF -- "$3" <<<"$out"; then
    fail "$2 with $1 exited $status without \"$3\": $out"
  else
    echo "ok: $2 with $1: $3"
  fi
}
expect_with_permissions direct-sockets,direct-sockets-private no_multicast.mjs \
  "multicastController: undefined"
expect_with_permissions direct-sockets,direct-sockets-private no_multicast.mjs \
  "constructor: DOMException NotAllowedError: multicast options need the direct-sockets-multicast permission, which this app's manifest does not grant"
expect_with_permissions direct-sockets no_private.mjs \
  "opened: NotAllowedError: a bound socket needs the direct-sockets-private permission, which this app's manifest does not grant"

# The admin's policy (policy/examples) seen from JS.
out=$(timeout 60 "${dsock[@]}" --policy-dir policy/examples --origin isolated-app://asmreceiver \
  "$dir/permissions/policy_refusal.mjs" 2>&1); status=$?
for line in "joined: 239.0.0.1" \
  "joinGroup: NotAllowedError: DirectSocketsMulticastRules[0].receive_groups: 239.9.9.9 is outside the groups allowed for isolated-app://asmreceiver" \
  "write: NotAllowedError: DirectSocketsMulticastRules[0].send_groups: 239.0.0.1 is outside the groups allowed for isolated-app://asmreceiver" \
  "close: NotAllowedError" \
  "opened: NotAllowedError: DirectSocketsMulticastRules[0].ports: port 5000 is not allowed for isolated-app://asmreceiver"; do
  if [ "$status" != 0 ] || ! grep -qxF -- "$line" <<<"$out"; then
    fail "policy_refusal.mjs exited $status without \"$line\": $out"
  else
    echo "ok: policy_refusal.mjs: $line"
  fi
done

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
# expect_example APP LINE: the app exits 0 and prints LINE.
expect_example() {
  run_app "examples/errors/$1"
  if [ "$status" != 0 ] || ! grep -qxF -- "$2" <<<"$out"; then
    fail "examples/errors/$1 exited $status (want 0) without \"$2\": $out"
  else
    echo "ok: examples/errors/$1: $2"
  fi
}
expect_example type_error.mjs \
  "constructor: TypeError: multicastTimeToLive: value 256 is outside the range 0..255"
expect_example type_error.mjs \
  'joinGroup: TypeError: groupAddress "example.com" is not an IP address literal (host names are not allowed)'
expect_example invalid_state_error.mjs \
  "joinGroup: InvalidStateError: 239.0.0.1: already joined on this socket"
expect_example invalid_state_error.mjs \
  "joinGroup: InvalidStateError: 239.0.0.2: the socket is closed"
expect_example not_allowed_error.mjs \
  "opened: NotAllowedError: localPort 80 is below 1024; Direct Sockets may not bind privileged ports"
expect_example network_error.mjs \
  "opened: NetworkError: binding 192.0.2.1:40000: address not available (EADDRNOTAVAIL)"
expect_example abort_error.mjs \
  "joinGroup: AbortError: the socket closed before the join of 239.0.0.1 completed"

[ "$failures" = 0 ] && echo "all passed"
[ "$failures" = 0 ]
