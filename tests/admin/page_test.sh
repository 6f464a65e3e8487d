#!/usr/bin/env bash
# The admin's live page (`dsock admin serve`) against a real host with two
# apps (examples/admin/): over HTTP it refuses requests without the token, for
# another Host, and writes; /metrics parses as Prometheus text and matches
# the state; in headless Chromium it is refused without the token, shows
# both apps' sockets and memberships with it, and updates itself when an
# app joins a group and when the policy refuses one. The screenshot is kept
# as a test artifact (admin-page.png in test.outputs/). In a private
# network namespace (root); Debian's chromium.
set -euo pipefail
source tools/lib.sh
enter_private_netns "$@"
work=$(mktemp -d)
chmod 700 "$work"
trap 'stop_all; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

start_admin_example
start serve "dsock admin: serving" tools/dsock/dsock admin serve \
  --listen 127.0.0.1:0 --admin-socket "$admin"
url=$(grep -o 'http://[^ ]*' "$work/serve.out")
base=${url%%/\?token=*}
token=${url##*token=}
/usr/bin/python3 tests/admin/check_page_http.py "$base" "$token"

artifacts=${TEST_UNDECLARED_OUTPUTS_DIR:-$work}
cat >"$work/send" <<SH
#!/bin/sh
exec /usr/bin/python3 -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[1].encode(), ("127.0.0.1", 5000))' "\$1"
SH
chmod +x "$work/send"
cat >"$work/steps" <<STEPS
context
open $base/
wait needs the token
context
open $url
wait isolated-app://statusreceiver
wait isolated-app://statussender
wait DirectSocketsMulticastRules[1] (20-multicast.json)
wait 0.0.0.0:5000
wait 239.1.2.3:5000
wait 232.1.1.1
wait 10.78.0.1
wait 239.1.2.4
wait 239.9.9.9 port 5001
run $work/send "join 239.1.2.77"
wait 239.1.2.77
run $work/send "join 239.9.9.77"
wait 239.9.9.77 port 5000
wait 2 since the service started
screenshot $artifacts/admin-page.png
STEPS
tests/admin/page_probe "$work/steps" || fail "the page did not show what it should"
expect_line host "joined 239.1.2.77" || fail "the receiver did not join 239.1.2.77"
expect_line host "refused 239.9.9.77 NotAllowedError" || fail "239.9.9.77 was not refused"
[ -s "$artifacts/admin-page.png" ] || fail "no screenshot"
echo "ok: the live page showed both apps, a join and a refusal as they happened ($artifacts/admin-page.png)"
