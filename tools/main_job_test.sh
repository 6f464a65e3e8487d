#!/usr/bin/env bash
# Runs the README's main job on the binaries Bazel built and checks that
# both receivers got every datagram through the network services, and that
# the job left no namespace or process behind.
set -euo pipefail
out=$(DSOCK_BIN_DIR="$PWD" tools/main-job --no-setup --count 2 2>&1) || {
  echo "$out"; echo "main job failed"; exit 1; }
echo "$out"
grep -q "both receivers got all 2 datagrams" <<<"$out"
[ "$(grep -c '^rcv1 (ASM 239.1.2.3): from 10.77.0.1:' <<<"$out")" = 2 ]
[ "$(grep -c '^rcv2 (SSM 232.1.2.3 from 10.77.0.1): from 10.77.0.1:' <<<"$out")" = 2 ]
lan=$(sed -n 's/^main-job: LAN \([^ ]*\) up.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "the job left namespaces behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
for pid in $(sed -n 's/^main-job: network service on .*, pid \([0-9]*\)$/\1/p' <<<"$out"); do
  ! kill -0 "$pid" 2>/dev/null || { echo "network service $pid still runs"; exit 1; }
done
echo "main job ok"
