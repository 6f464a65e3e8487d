#!/usr/bin/env bash
# Runs the README's main job on the binaries Bazel built and checks that
# both receivers got every datagram through the network services, and that
# the job left no namespace or process behind.
set -euo pipefail
out=$(DSOCK_BIN_DIR="$PWD" tools/main-job --no-setup --count 2 2>&1) || {
  echo "$out"; echo "main job failed"; exit 1; }
echo "$out"
grep -q "both receivers got all 2 datagrams" <<<"$out"
grep -q "enforcing the policy in policy/examples" <<<"$out"
[ "$(grep -c '^rcv1 (ASM 239.1.2.3): from 10.77.0.1:' <<<"$out")" = 2 ]
[ "$(grep -c '^rcv2 (SSM 232.1.2.3 from 10.77.0.1): from 10.77.0.1:' <<<"$out")" = 2 ]
lan=$(sed -n 's/^main-job: LAN \([^ ]*\) up.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "the job left namespaces behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
# Every host, network service and renderer of the job has ended.
pids=$(sed -n -e 's/.*host: pid \([0-9]*\), network service pid \([0-9]*\)$/\1 \2/p' \
  -e 's/.*host: renderer \([0-9]*\) for .*/\1/p' <<<"$out")
[ -n "$pids" ] || { echo "no host or service pids in the output"; exit 1; }
for pid in $pids; do
  ! kill -0 "$pid" 2>/dev/null || { echo "process $pid still runs"; exit 1; }
done
grep -q "host: renderer .* for isolated-app://asmreceiver" <<<"$out"
echo "main job ok"
