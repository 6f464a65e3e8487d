#!/usr/bin/env bash
# The echo example: examples/echo_client sends datagrams through a real
# network service process to tools/udp_echo_peer on loopback and gets each
# one back.
set -euo pipefail
work=$(mktemp -d /tmp/dsock-echo.XXXXXX)
source tools/lib.sh
trap 'stop_all; rm -rf "$work"' EXIT
mkdir -m 700 "$work/run"
start service "listening on" network_service/network_service \
  --socket-path="$work/run/net.sock"
start peer "echoing on" tools/udp_echo_peer --address=127.0.0.1
port=$(awk '/echoing on/ {print $5}' "$work/peer.out")
out=$(examples/echo_client --service_socket="$work/run/net.sock" \
  --remote_port="$port" --count=3)
echo "$out"
grep -q "3 of 3 messages came back; socket closed cleanly" <<<"$out"
renderer_pid=$(sed -n 's/.*renderer pid \([0-9]*\),.*/\1/p' <<<"$out")
[ "$renderer_pid" != "${pid_of[service]}" ]
