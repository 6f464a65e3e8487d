#!/usr/bin/env bash
# multicastTimeToLive across a router (tools/ttl-across-router) on the
# binaries Bazel built: TTL 1 stays on the sender's LAN, TTL 2 crosses the
# smcrouted router and arrives with TTL 1, as the receiver and tcpdump on
# both LANs see; TTL 3 is above the policy's max_ttl and refused.
set -euo pipefail
status=0
out=$(DSOCK_BIN_DIR="$PWD" tools/ttl-across-router --no-setup \
        --keep "${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}" 2>&1) || status=$?
echo "$out"
[ "$status" = 0 ] || { echo "ttl-across-router failed (exit $status)"; exit 1; }
grep -q "^ttl: TTL 1: 3 sent; on LAN A 3 with TTL 1; on LAN B 0 .*the receiver got 0$" <<<"$out"
grep -q "^ttl: TTL 2: 3 sent; on LAN A 3 with TTL 2; on LAN B 3 with TTL 1 .*the receiver got 3$" <<<"$out"
grep -q "^ttl: TTL 3: .*NotAllowedError: DirectSocketsMulticastRules\[1\].max_ttl: multicastTimeToLive 3 is above 2" <<<"$out"
lan=$(grep -o "tr[0-9]*-" <<<"$(ip netns list)" || true)
[ -z "$lan" ] || { echo "namespaces left behind: $lan"; exit 1; }
echo "ttl across a router ok"
