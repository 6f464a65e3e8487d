#!/usr/bin/env bash
# Discovery (tools/discovery) on the binaries Bazel built: our app joins
# 224.0.0.251 and ff02::fb, finds the services avahi-daemon publishes on two
# other hosts, avahi-browse finds ours over IPv4 and IPv6 on another host, on
# ours, and on a host whose daemon started after our announcements (so from
# our answers), our app and avahi-daemon are bound to port 5353 on one host
# together, and where the admin's rule for it does not grant the mDNS group
# its join is refused with NotAllowedError naming the policy. Nothing is
# left behind.
set -euo pipefail
keep=${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}
status=0
out=$(DSOCK_BIN_DIR="$PWD" tools/discovery --no-setup --keep "$keep" 2>&1) || status=$?
echo "$out"
[ "$status" = 0 ] || { echo "discovery failed (exit $status)"; exit 1; }
grep -q '^discovery: found "rcv1 screen" on dd[0-9]*-rcv1.local 10.77.0.2 port 9001 txt .*model=wall' <<<"$out"
grep -q '^discovery: found "rcv2 screen" on dd[0-9]*-rcv2.local 10.77.0.3 port 9002 txt .*position=rcv2' <<<"$out"
grep -q "^discovery: joined 224.0.0.251 port 5353, sharing the port; this device is 10.77.0.1$" <<<"$out"
grep -q "^discovery: joined ff02::fb port 5353, sharing the port; this device is fe80::" <<<"$out"
# avahi-browse resolves dsock-app.local to whichever of its addresses it
# holds first: the device's IPv4 one or (seen under UBSan's slower start)
# its IPv6 link-local one, both of which the app announced.
v6=$(sed -n 's/^discovery: joined ff02::fb port 5353, sharing the port; this device is \(fe80::[0-9a-f:]*\)$/\1/p' <<<"$out")
for host in rcv1 snd rcv3; do
  grep -qE "^discovery: avahi-browse on $host found ours: .*;dsock-app\.local;(10\.77\.0\.1|$v6);9000;.*\"app=dsock\" \(and over IPv6: yes\)$" <<<"$out" ||
    { echo "avahi-browse on $host did not find ours at one of its addresses"; exit 1; }
done
grep -q "^discovery: bound to port 5353 on snd: avahi-daemon network_service" <<<"$out"
grep -qF "discovery: without the grant: NotAllowedError: DirectSocketsMulticastRules[0].receive_groups: 224.0.0.251 is a discovery group (mDNS/SSDP), which only a rule listing it exactly (224.0.0.251/32) allows; none does for isolated-app://discovery" <<<"$out"
lan=$(sed -n 's/^discovery: LAN \([^:]*\):.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "namespaces left behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
echo "discovery ok"
