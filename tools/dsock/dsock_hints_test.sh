#!/usr/bin/env bash
# The errors a person meets first say what to do next: no network service
# where dsock looks (how to start one), and a port another socket holds
# (--share on both). In a private network namespace, with a network
# service of its own.
set -euo pipefail
source tools/lib.sh
enter_private_netns "$@"
ip route add 224.0.0.0/4 dev lo
work=$(mktemp -d)
chmod 700 "$work"
trap 'stop_all; rm -rf "$work"' EXIT
dsock=tools/dsock/dsock

out=$("$dsock" recv --group 239.1.2.3 --port 5000 --timeout-ms 500 \
        --service-socket "$work/none.sock" 2>&1) && { echo "recv without a service succeeded"; exit 1; }
grep -q "Is a network service running there? Start one (as root): network_service --socket-path=" <<<"$out" ||
  { echo "no hint to start a service: $out"; exit 1; }

start service "listening on" network_service/network_service \
  --socket-path="$work/s.sock" --unsafe-development-mode
start first "joined" "$dsock" recv --service-socket "$work/s.sock" --group 239.1.2.3 \
  --port 5000 --timeout-ms 5000
out=$("$dsock" recv --service-socket "$work/s.sock" --group 239.1.2.3 --port 5000 \
        --timeout-ms 500 2>&1) && { echo "a second socket on the port succeeded"; exit 1; }
grep -q "EADDRINUSE" <<<"$out" && grep -q "give --share to every socket that binds it" <<<"$out" ||
  { echo "no hint to share the port: $out"; exit 1; }
echo "hints ok"
