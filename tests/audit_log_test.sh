#!/usr/bin/env bash
# The audit log an admin keeps (docs/admin.md): one JSON object a line with
# an "event"; the policy applied, with its files and digest; a refusal; a
# rotation (the file moved away, SIGHUP, a new file); a new policy that
# takes a group away, whose open socket's membership is "revoked", not
# "refused"; allows with --audit-allows. In a private network namespace,
# with a host of its own.
set -euo pipefail
source tools/lib.sh
enter_private_netns "$@"
ip route add 224.0.0.0/4 dev lo
work=$(mktemp -d)
trap 'stop_all; rm -rf "$work"' EXIT
mkdir "$work/policy"
cp policy/examples/*.json "$work/policy/"
log=$work/audit.log
dsock=$PWD/tools/dsock/dsock
cat >"$work/apps.json" <<JSON
{"apps": [
  {"origin": "isolated-app://asmreceiver",
   "command": ["$dsock", "recv", "--group", "239.1.2.3", "--port", "12345",
               "--count", "1", "--timeout-ms", "20000", "--share"]},
  {"origin": "isolated-app://ssmreceiver",
   "command": ["$dsock", "recv", "--group", "239.9.9.9", "--port", "12345", "--share"]}
]}
JSON
start host "network service pid" host/host_main --manifest="$work/apps.json" \
  --policy-dir="$work/policy" --audit-log="$log" --audit-allows \
  --network-service=network_service/network_service
service=$(sed -n 's/.*network service pid \([0-9]*\).*/\1/p' "$work/host.out")
has() { grep -q "$2" "$1" 2>/dev/null; }
fail() { echo "FAIL: $*"; echo "--- $log:"; cat "$log" "$log.1" 2>/dev/null; exit 1; }

wait_for 10 has "$log" '"event":"refused"' || fail "no refusal"
wait_for 10 has "$log" '"action":"join".*"event":"allowed"' || fail "no allowed join"
grep -q '"event":"policy-applied"' "$log" || fail "no policy-applied"
grep '"event":"policy-applied"' "$log" |
  grep -q '"files":\["10-direct-sockets.json","20-multicast.json"\]' || fail "files"
first_digest=$(grep -o '"digest":"[0-9a-f]\{64\}"' "$log" | head -1)
[ -n "$first_digest" ] || fail "no SHA-256 digest"
grep '"event":"refused"' "$log" | grep -q '"target":"239.9.9.9 port 12345"' || fail "refused target"

# logrotate: the file moves away, SIGHUP, the service writes a new one.
mv "$log" "$log.1"
kill -HUP "$service"
wait_for 10 has "$log" '"event":"reopened"' || fail "no new file after SIGHUP"

# A new policy takes 239.1.0.0/16 away from the receivers: the open
# membership is revoked (and the socket closed), said as such.
sed -i 's|"239.1.0.0/16", ||' "$work/policy/20-multicast.json"
wait_for 10 has "$log" '"event":"revoked"' || fail "no revocation"
grep '"event":"revoked"' "$log" | grep -q '"origin":"isolated-app://asmreceiver"' || fail "revoked origin"
wait_for 10 has "$log" '"event":"policy-applied"' || fail "no policy-applied after the change"
second_digest=$(grep -o '"digest":"[0-9a-f]\{64\}"' "$log" | tail -1)
[ "$second_digest" != "$first_digest" ] || fail "the digest did not change"
! grep -q '"event":"refused".*239.1.2.3\|239.1.2.3.*"event":"refused"' "$log" ||
  fail "the revocation was written as a refusal"

# Every line of both files is one JSON object with a time and an event.
python3 - "$log" "$log.1" <<'PY' || fail "a line is not a JSON object with time and event"
import json, sys
for path in sys.argv[1:]:
    for line in open(path):
        record = json.loads(line)
        assert isinstance(record, dict) and "time" in record and "event" in record, line
PY
echo "audit log ok"
