#!/usr/bin/env bash
# `dsock status` against a real host with two apps (examples/admin/): it shows
# exactly their sockets and memberships, as the apps see them and as the
# kernel holds them (/proc/net/igmp, /proc/net/mcfilter), the policy in
# force and the refusal; its counters move as datagrams flow. The admin
# socket answers root only: a client of another user is refused even when
# the socket's modes are loosened. In a private network namespace (root).
set -euo pipefail
source tools/lib.sh
enter_private_netns "$@"
work=$(mktemp -d)
chmod 700 "$work"
trap 'stop_all; rm -rf "$work"' EXIT
dsock=tools/dsock/dsock
check=tests/admin/check_status.py
fail() { echo "FAIL: $*"; exit 1; }

out=$("$dsock" status --admin-socket "$work/none.sock" 2>&1) && fail "status without a service succeeded"
grep -q "Is a network service running with --admin-socket" <<<"$out" || fail "no hint: $out"

# /proc/net/mcfilter lists an interface's source filters only when its
# newest group has one (Linux's igmp_mcf_get_first looks at the head of the
# list alone), and the apps' join order varies: read it while holding a
# source-specific membership of our own, which is newest; check_status.py
# leaves it out.
read_mcfilter() {
  /usr/bin/python3 -c '
import socket, struct
def address(ip):
    return struct.pack("=H2s4s", socket.AF_INET, b"", socket.inet_aton(ip)).ljust(128, b"\0")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
MCAST_JOIN_SOURCE_GROUP = 46
s.setsockopt(socket.IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP,
             struct.pack("=I4x", 0) + address("232.9.9.9") + address("10.78.0.9"))
print(open("/proc/net/mcfilter").read(), end="")'
}

start_admin_example
"$dsock" status --admin-socket "$admin" --json >"$work/first.json"
cat /proc/net/igmp >"$work/igmp"
read_mcfilter >"$work/mcfilter"
/usr/bin/python3 "$check" holdings "$work/first.json" "$work/host.out" \
  "$work/igmp" "$work/mcfilter" "$work/audit.log"

# The counters move: the receiver counted 20 of the sender's datagrams.
expect_line host "received 20 " 20 || fail "the receiver did not get 20 datagrams"
"$dsock" status --admin-socket "$admin" --json >"$work/second.json"
/usr/bin/python3 "$check" counters "$work/first.json" "$work/second.json"

# For people: a table; and --watch prints a snapshot an interval.
"$dsock" status --admin-socket "$admin" >"$work/table"
cat "$work/table"
for expected in isolated-app://statusreceiver isolated-app://statussender \
    "232.1.1.1" "10.78.0.1" "239.1.2.4" "DirectSocketsMulticastRules[1] (20-multicast.json)" \
    "REFUSALS: 1 since the service started"; do
  grep -qF -- "$expected" "$work/table" || fail "the table has no \"$expected\""
done
"$dsock" status --admin-socket "$admin" --json --watch --interval-ms 200 \
  --count 3 >"$work/watch"
/usr/bin/python3 "$check" watch "$work/watch" 3

# Root only: the directory keeps other users out, and the service closes
# a connection from one even when an admin loosened the modes.
nobody_connects() (
  cd / && setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("connect refused"); sys.exit(0)
s.settimeout(10)
try:
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    print("closed" if s.recv(100) == b"" else "answered")
except (BrokenPipeError, ConnectionResetError):
    print("closed")' "$admin"
)
[ "$(nobody_connects)" = "connect refused" ] || fail "another user could connect"
chmod 711 "$work" "$(dirname "$admin")"
chmod 666 "$admin"
[ "$(nobody_connects)" = "closed" ] || fail "the service answered another user"
grep -q "admin socket: refused a client of uid 65534" "$work/host.err" ||
  fail "the refusal of uid 65534 is not logged"
echo "ok: dsock status shows the two apps' sockets, memberships, counters and refusal; root only"
