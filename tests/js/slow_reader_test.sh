#!/usr/bin/env bash
# A JS page that stops reading: the network service stops receiving for it
# (its memory stays bounded), and nothing is lost but what the kernel drops
# at the socket's own buffer (counted in /proc/net/snmp's RcvbufErrors).
# The sender is flood_peer, one plain datagram per packet: the kernel counts
# a dropped packet once, and our own service's sends of equal datagrams go
# as segmented packets (UDP GSO) that the reader's socket takes whole (UDP
# GRO), so a count of dropped packets would not be one of datagrams.
# Runs in a private network namespace it makes. Needs root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
work=$(mktemp -d /tmp/dsock-slow-reader.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT
dir=tests/js/slow_reader

rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

start receiver "" timeout 120 "${dsock_run[@]}" "$dir/receiver.mjs"
expect_line receiver READY 30 ||
  { echo "FAIL: the receiver did not start"; cat "$work"/receiver.*; exit 1; }
service=$(service_of receiver)
rss_before=$(rss_kib "$service")
drops_before=$(rcvbuf_errors)

sent=$(timeout 120 tests/js/flood_peer send --port=40500 --count=20000 --size=1000 |
  awk '/^sent/ { print $2 }')
rss_held=$(rss_kib "$service")
# Loopback delivers (or drops) within the sender's sendmsg: the count is final.
drops=$(( $(rcvbuf_errors) - drops_before ))
echo "drain $(( ${sent:-0} - drops ))" >/dev/udp/127.0.0.1/40501
finish receiver; status=$?
sed 's/^/receiver: /' "$work/receiver.out"
result=$(grep '^received' "$work/receiver.out" | tail -1)
[ $(( $(rcvbuf_errors) - drops_before )) = "$drops" ] ||
  { echo "FAIL: the kernel dropped more after the sender finished"; exit 1; }
received=$(awk '{ print $2 }' <<<"$result")
echo "sent ${sent:-?}, page received ${received:-?}, kernel dropped $drops at the socket buffer"
echo "receiver's network service: ${rss_before} KiB before, ${rss_held} KiB while the page held"
fail=0
[ "$status" = 0 ] || { echo "FAIL: receiver exited $status"; fail=1; }
[ "${sent:-0}" = 20000 ] || { echo "FAIL: the sender did not send 20000"; fail=1; }
grep -q "in_order true" <<<"$result" || { echo "FAIL: out of order or duplicated"; fail=1; }
[ $(( ${received:-0} + drops )) = "${sent:-0}" ] ||
  { echo "FAIL: lost outside the kernel's buffer: received + dropped != sent"; fail=1; }
[ "$drops" -gt 0 ] || { echo "FAIL: nothing dropped: the service read for a page that did not"; fail=1; }
[ $(( ${received:-0} * 4 )) -lt "${sent:-0}" ] ||
  { echo "FAIL: received ${received}: the service buffered for the page"; fail=1; }
[ $(( rss_held - rss_before )) -lt 8192 ] ||
  { echo "FAIL: the service grew by more than 8 MiB"; fail=1; }
[ "$fail" = 0 ] && echo "ok"
exit "$fail"
