#!/usr/bin/env bash
# The datagram plane at full rate, both ways and at 64 and 1200 bytes:
# nothing lost but what the kernel drops on receipt (counted in
# /proc/net/snmp's Udp InErrors: a full socket buffer, RcvbufErrors, or the
# system's UDP memory, MemErrors), nothing reordered, no byte changed.
#  - receive: flood_peer sends numbered datagrams with sendmmsg as fast as
#    loopback takes them; a page reads them (full_rate/receiver.mjs), over
#    the datagram pipe, checking each. Then again with 40 datagrams a
#    packet (UDP GSO), which the service's socket takes as one message (UDP
#    GRO) and cuts into its datagrams; the kernel counts a dropped packet
#    once, so it is 40 datagrams lost.
#  - send: a page writes numbered datagrams as fast as `ready` allows
#    (full_rate/sender.mjs); flood_peer receives and checks each.
# Runs in a private network namespace it makes. Needs root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
work=$(mktemp -d /tmp/dsock-full-rate.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT
cp tests/js/full_rate/*.mjs "$work/"
peer=tests/js/flood_peer
count=100000 port=41000 control=41001

# The kernel's count of UDP datagrams dropped on receipt, in this namespace.
in_errors() { awk '/^Udp:/ { if (++n == 2) print $4 }' /proc/net/snmp; }

fail=0
# check NAME SENT DROPS RESULT: the line "received R intact T in_order T";
# DROPS counts datagrams.
check() {
  local name=$1 sent=$2 drops=$3 result=$4 received
  received=$(awk '{ print $2 }' <<<"$result")
  echo "$name: sent ${sent:-?}, received ${received:-?}, the kernel dropped $drops on receipt"
  [ "${sent:-0}" = "$count" ] || { echo "FAIL: $name: did not send $count"; fail=1; }
  grep -q "intact true" <<<"$result" || { echo "FAIL: $name: a datagram changed"; fail=1; }
  grep -q "in_order true" <<<"$result" || { echo "FAIL: $name: out of order or duplicated"; fail=1; }
  [ $(( ${received:-0} + drops )) = "${sent:-0}" ] ||
    { echo "FAIL: $name: lost outside the kernel: received + dropped != sent"; fail=1; }
  [ "${received:-0}" -gt 0 ] || { echo "FAIL: $name: nothing received"; fail=1; }
}

for size in 64 1200; do
  echo "export const port = $port; export const controlPort = $control;" \
       "export const size = $size; export const count = $count;" >"$work/params.mjs"

  # Receive: flood_peer -> service -> pipe -> page; one datagram a packet,
  # then 40 (merged by GRO).
  for segments in 1 40; do
    start page "" timeout 120 "${dsock_run[@]}" "$work/receiver.mjs"
    expect_line page READY 30 ||
      { echo "FAIL: the page did not start"; cat "$work"/page.*; exit 1; }
    before=$(in_errors)
    sent=$("$peer" send --port="$port" --count="$count" --size="$size" --segments="$segments" |
           awk '/^sent/ { print $2 }')
    # Loopback delivers (or drops) within the sender's sendmmsg: final now.
    drops=$(( ($(in_errors) - before) * segments ))
    echo "drain $(( ${sent:-0} - drops ))" >/dev/udp/127.0.0.1/$control
    finish page || { echo "FAIL: the receiving page failed"; fail=1; }
    check "receive $size B, $segments a packet" "$sent" "$drops" \
          "$(grep '^received' "$work/page.out" | tail -1)"
    rm -f "$work"/page.*
  done

  # Send: page -> service -> kernel -> flood_peer.
  start peer "" "$peer" receive --port="$port" --control_port="$control" --size="$size"
  expect_line peer READY 10 || { echo "FAIL: flood_peer did not start"; exit 1; }
  before=$(in_errors)
  sent=$(timeout 120 "${dsock_run[@]}" "$work/sender.mjs" 2>"$work/sender.err" |
         awk '/^sent/ { print $2 }')
  drops=$(( $(in_errors) - before ))
  echo "drain $(( ${sent:-0} - drops ))" >/dev/udp/127.0.0.1/$control
  finish peer
  check "send $size B" "$sent" "$drops" "$(grep '^received' "$work/peer.out" | tail -1)"
  rm -f "$work"/peer.*
done
[ "$fail" = 0 ] && echo "ok"
exit "$fail"
