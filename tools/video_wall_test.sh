#!/usr/bin/env bash
# The video wall (tools/video-wall) on the binaries Bazel built: three
# displays get every packet of our sender's 12 Mbit/s stream and show every
# frame within 16.7 ms of each other at p99 (one refresh of a 60 Hz panel:
# displays that far apart show a frame on the same or the next refresh;
# measured here: ~2 ms from our sender, ~4 ms from ffmpeg's, whose stream
# each display clocks by itself); ffprobe decodes our stream without an
# error; our displays play ffmpeg's stream; nothing is left behind.
set -euo pipefail
keep=${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}
status=0
out=$(DSOCK_BIN_DIR="$PWD" tools/video-wall --no-setup --max-skew-ms 16.7 \
        --keep "$keep" 2>&1) || status=$?
echo "$out"
[ "$status" = 0 ] || { echo "the video wall failed (exit $status)"; exit 1; }
grep -q "ffprobe on rcv4 decoded 150 of 150 frames, 0 error lines" <<<"$out"
[ "$(grep -c "^  [123] .* 0 *0 *150 " <<<"$out")" = 6 ] ||
  { echo "expected 3 displays x 2 senders with no loss and 150 frames"; exit 1; }
[ "$(grep -c " stream  *12\.[0-9]$" <<<"$out")" = 3 ] ||
  { echo "expected our stream, with its clock, at 12 Mbit/s on each display"; exit 1; }
lan=$(sed -n 's/^video-wall: LAN \([^:]*\):.*/\1/p' <<<"$out")
if ip netns list | grep -q "^$lan-"; then
  echo "namespaces left behind: $(ip netns list | grep "^$lan-")"; exit 1
fi
echo "video wall ok"
