#!/usr/bin/env bash
# A host manifest runs JS apps as `dsock run` does: two apps (an echo
# server and a client, tests/js/host/) under one host_main, in a private
# network namespace. Root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
dir=tests/js/host
manifest=$(mktemp /tmp/dsock-js-manifest.XXXXXX)
trap 'rm -f "$manifest"' EXIT
cat >"$manifest" <<JSON
{"apps": [
  {"origin": "isolated-app://echoserver",
   "command": ["$PWD/renderer/js/js_renderer", "$PWD/$dir/echo_server.mjs"]},
  {"origin": "isolated-app://echoclient",
   "command": ["$PWD/renderer/js/js_renderer", "$PWD/$dir/echo_client.mjs"]}
]}
JSON
out=$(timeout 60 host/host_main --manifest="$manifest" \
  --network-service=network_service/network_service \
  --unsafe-development-mode 2>&1); status=$?
echo "$out"
if [ "$status" != 0 ] || ! grep -qx 'client got "HELLO HOST"' <<<"$out" ||
   ! grep -qx 'server answered "hello host"' <<<"$out"; then
  echo "FAIL: host manifest with two JS apps exited $status"
  exit 1
fi
echo 'ok: host_main ran two JS apps: client got "HELLO HOST"'
