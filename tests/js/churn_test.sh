#!/usr/bin/env bash
# Nothing leaks through the JS layer: an app opens and closes 400 sockets
# with memberships (some closed with joins in flight); while it still runs,
# the network service holds no more descriptors than before and the kernel
# holds none of those memberships. Private network namespace; needs root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
add_multicast_interface
work=$(mktemp -d /tmp/dsock-churn.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT

fds_of() { ls "/proc/$1/fd" | wc -l; }

start app "" timeout 120 "${dsock_run[@]}" tests/js/churn/churn.mjs
expect_line app STARTED 60 || { echo "FAIL: the app did not start"; cat "$work"/app.*; exit 1; }
service=$(service_of app)
fds_before=$(fds_of "$service")
expect_line app CHURNED 60 || { echo "FAIL: the churn did not finish"; cat "$work"/app.*; exit 1; }
fds_after=$(fds_of "$service")
# /proc/net/igmp prints a group as its 32-bit value in host order (x86:
# 239.3.R.I is IIRR03EF, 232.3.R.I is IIRR03E8, 239.4.0.1 is 010004EF).
# A leaked source-specific membership leaves its group there too; the
# sources themselves are not checked: /proc/net/mcfilter skips a device
# whose most recently joined group has no source list (see
# docs/testing.md).
groups=$(grep -cE '^\s+([0-9A-F]{4}03E[8F]|010004EF)\s' /proc/net/igmp || true)
echo done >/dev/udp/127.0.0.1/40601
finish app; status=$?
sed 's/^/app: /' "$work/app.out"
echo "service descriptors: $fds_before before, $fds_after after 400 sockets"
echo "kernel: $groups of the churned groups still joined"
fail=0
[ "$status" = 0 ] || { echo "FAIL: the app exited $status"; fail=1; }
[ "$fds_after" -le "$fds_before" ] || { echo "FAIL: the service leaked descriptors"; fail=1; }
[ "$groups" = 0 ] || { echo "FAIL: memberships left in the kernel"; cat /proc/net/igmp; fail=1; }
[ "$fail" = 0 ] && echo ok
exit "$fail"
