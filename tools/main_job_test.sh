#!/usr/bin/env bash
# Runs the README's main job on the binaries Bazel built and checks that
# both JS receivers printed every message of the explainer's sender, under
# the example policy, that the job left no namespace or process behind, and
# that its summary shows the video wall and discovery working.
set -euo pipefail
out=$(DSOCK_BIN_DIR="$PWD" tools/main-job --no-setup 2>&1) || {
  echo "$out"; echo "main job failed"; exit 1; }
echo "$out"
grep -q "both receivers got all 3 messages" <<<"$out"
grep -q "enforcing the policy in policy/examples" <<<"$out"
grep -q "^rcv1: joined multicast group=239.0.0.1$" <<<"$out"
grep -q "^rcv2: joined SSM group=232.1.1.1 from source=192.0.2.100$" <<<"$out"
[ "$(grep -c '^rcv1 (ASM 239.0.0.1): processing response= message from CLIENT = ' <<<"$out")" = 3 ]
[ "$(grep -c '^rcv2 (SSM 232.1.1.1 from 192.0.2.100): processing response from 192.0.2.100: message from CLIENT = ' <<<"$out")" = 3 ]
grep -q "readStream finish" <<<"$out"
lan=$(sed -n 's/^main-job: LAN \([^ ]*\) up.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "the job left namespaces behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
# Every host, network service and renderer of the job has ended.
pids=$(sed -n 's/.*dsock run: host pid \([0-9]*\), network service pid \([0-9]*\), renderer pid \([0-9]*\) for .*/\1 \2 \3/p' <<<"$out")
[ "$(wc -w <<<"$pids")" = 12 ] || { echo "expected 4 apps' pids, got: $pids"; exit 1; }
for pid in $pids; do
  ! kill -0 "$pid" 2>/dev/null || { echo "process $pid still runs"; exit 1; }
done
# The explainer's use cases (tools/video_wall_test and tools/discovery_test
# check each in depth) and the summary that says how they went.
grep -q "^  explainer's examples: *both receivers got all 3 messages (ok)$" <<<"$out"
grep -q "^  video wall, our sender: *150 frames 0 lost, 150 frames 0 lost, 150 frames 0 lost; skew p50 .*; ffprobe on rcv4 decoded 150 of 150 frames, 0 error lines$" <<<"$out"
grep -q "^  video wall, ffmpeg's: *150 frames 0 lost, 150 frames 0 lost, 150 frames 0 lost; .*(ok)$" <<<"$out"
grep -q "^  discovery: *our app found 2 of the 2 avahi services; avahi-browse found ours on rcv1,snd,rcv3 (ok)$" <<<"$out"
grep -q "^  without the grant: *NotAllowedError: DirectSocketsMulticastRules" <<<"$out"
echo "main job ok"
