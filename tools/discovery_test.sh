#!/usr/bin/env bash
# Discovery (tools/discovery) on the binaries Bazel built: our app finds the
# services avahi-daemon publishes on two other hosts, avahi-browse finds
# ours on another host and on ours, our app and avahi-daemon are bound to
# port 5353 on one host together, and without the admin's grant the app is
# refused with NotAllowedError naming the policy. Nothing is left behind.
set -euo pipefail
keep=${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}
status=0
out=$(DSOCK_BIN_DIR="$PWD" tools/discovery --no-setup --keep "$keep" 2>&1) || status=$?
echo "$out"
[ "$status" = 0 ] || { echo "discovery failed (exit $status)"; exit 1; }
grep -q '^discovery: found "rcv1 screen" on dd[0-9]*-rcv1.local 10.77.0.2 port 9001 txt .*model=wall' <<<"$out"
grep -q '^discovery: found "rcv2 screen" on dd[0-9]*-rcv2.local 10.77.0.3 port 9002 txt .*position=rcv2' <<<"$out"
for host in rcv1 snd; do
  grep -q "^discovery: avahi-browse on $host found ours: .*;dsock-app.local;10.77.0.1;9000;.*\"app=dsock\"" <<<"$out"
done
grep -q "^discovery: bound to port 5353 on snd: avahi-daemon network_service" <<<"$out"
grep -q "^discovery: without the grant: NotAllowedError: DirectSocketsMulticastRules: no rule names isolated-app://discovery" <<<"$out"
lan=$(sed -n 's/^discovery: LAN \([^:]*\):.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "namespaces left behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
echo "discovery ok"
