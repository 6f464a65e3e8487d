#!/usr/bin/env bash
# Three hostile renderers (tests/hostile/hostile_app: a CONTINUATION flood,
# a stream flood, a PING flood) and two well-behaved apps (dsock recv and
# dsock send on 239.1.2.3) under one real host_main, in a private network
# namespace this script makes. The well-behaved apps must finish while the
# others attack; each attacker must be cut off; the service must never be
# restarted nor grow (peak RSS) by 64 MiB. Needs root.
set -uo pipefail
if [ "${IN_PRIVATE_NETNS:-}" != 1 ]; then
  exec env IN_PRIVATE_NETNS=1 unshare --net "$0" "$@"
fi
ip link set lo up
ip link add a0 type veth peer name a1
ip link set a1 up
ip link set a0 up
ip addr add 10.78.0.1/24 dev a0
ip route add 224.0.0.0/4 dev a0

fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d /tmp/dsock-hostile-host.XXXXXX)
trap 'rm -rf "$work"' EXIT
app=$PWD/tests/hostile/hostile_app
dsock=$PWD/tools/dsock/dsock
cat >"$work/apps.json" <<JSON
{"apps": [
  {"origin": "isolated-app://goodrecv",
   "command": ["$dsock", "recv", "--group", "239.1.2.3", "--port", "5000",
               "--count", "3", "--timeout-ms", "30000"]},
  {"origin": "isolated-app://continuation", "command": ["$app", "continuation"]},
  {"origin": "isolated-app://streams", "command": ["$app", "streams"]},
  {"origin": "isolated-app://pings", "command": ["$app", "pings"]},
  {"origin": "isolated-app://goodsend",
   "command": ["$dsock", "send", "--group", "239.1.2.3", "--port", "5000",
               "--count", "100", "--interval-ms", "50", "--message", "still here"]}
]}
JSON
timeout 90 host/host_main --manifest="$work/apps.json" \
  --network-service=network_service/network_service \
  --unsafe-development-mode >"$work/out" 2>&1 &
host=$!
# The service's PID, then its memory until the host is done.
service=
for _ in $(seq 500); do
  service=$(sed -n 's/^host: pid [0-9]*, network service pid \([0-9]*\)$/\1/p' "$work/out")
  [ -n "$service" ] && break
  sleep 0.02
done
[ -n "$service" ] || fail "host_main did not start the service: $(cat "$work/out")"
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$service/status")
peak_kb=$rss_kb
while kill -0 "$host" 2>/dev/null; do
  now=$(awk '/^VmHWM:/ { print $2 }' "/proc/$service/status" 2>/dev/null)
  [ -n "$now" ] && [ "$now" -gt "$peak_kb" ] && peak_kb=$now
  sleep 0.05
done
wait "$host"; status=$?
cat "$work/out"
echo "service RSS at start ${rss_kb} KiB, peak ${peak_kb} KiB"
[ "$status" = 0 ] || fail "host_main exited $status"
for mode in continuation streams pings; do
  grep -q "^$mode: the service closed the channel after" "$work/out" ||
    fail "$mode was not cut off"
done
[ "$(grep -c '^from ' "$work/out")" -ge 3 ] || fail "goodrecv did not get 3 datagrams"
# One service, ended once, cleanly, by the host at the end (a crash would
# show a signal or a status, and a restart a second line).
[ "$(grep -c 'network service .* ended' "$work/out")" = 1 ] &&
  grep -q 'network service .* ended (status 0, signal 0)' "$work/out" ||
  fail "the service died or was restarted"
[ $((peak_kb - rss_kb)) -lt $((64 * 1024)) ] || fail "the service grew by $((peak_kb - rss_kb)) KiB"
echo "PASS: the attackers were cut off, the good apps finished, the service grew $((peak_kb - rss_kb)) KiB at most"
