#!/usr/bin/env bash
# Runs the README's main job on the binaries Bazel just built and checks
# that every message came back through two real processes.
set -euo pipefail
out=$(DSOCK_BIN_DIR="$PWD" tools/main-job --count 3 2>&1) || {
  echo "$out"; echo "main job failed"; exit 1; }
echo "$out"
grep -q "3 of 3 messages came back; socket closed cleanly" <<<"$out"
service_pid=$(sed -n 's/.*network_service: listening on .* (pid \([0-9]*\)).*/\1/p' <<<"$out")
renderer_pid=$(sed -n 's/.*echo_client: renderer pid \([0-9]*\),.*/\1/p' <<<"$out")
[ -n "$service_pid" ] && [ -n "$renderer_pid" ] && [ "$service_pid" != "$renderer_pid" ] || {
  echo "expected two processes, got service '$service_pid' renderer '$renderer_pid'"; exit 1; }
# Nothing outlives the job.
! kill -0 "$service_pid" 2>/dev/null || { echo "network_service still running"; exit 1; }
echo "main job ok: service pid $service_pid, renderer pid $renderer_pid"
