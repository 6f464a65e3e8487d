#!/usr/bin/env bash
# Every program a user or an admin runs answers --help with its own flags
# (exit 0), spells each flag one way across all of them (--policy-dir,
# --audit-log, --admin-socket, --unsafe-development-mode, with dashes), and
# names an unknown flag (exit 2).
set -uo pipefail
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
help_of() {  # help_of PROGRAM ARGS...: its --help, or a failure
  local out
  out=$("$@" --help 2>&1) || { fail "$* --help exited $?"; return; }
  echo "$out"
}
declare -A helps
helps[host_main]=$(help_of host/host_main)
helps[network_service]=$(help_of network_service/network_service)
helps[js_renderer]=$(help_of renderer/js/js_renderer)
helps[dsock]=$(help_of tools/dsock/dsock)
helps[dsock_run]=$(help_of tools/dsock/dsock run)
helps[dsock_explain]=$(help_of tools/dsock/dsock policy explain)
helps[dsock_status]=$(help_of tools/dsock/dsock status)
helps[dsock_serve]=$(help_of tools/dsock/dsock admin serve)

expect_flags() {  # expect_flags NAME FLAG...: NAME's help lists each FLAG
  local name=$1 flag; shift
  for flag in "$@"; do
    grep -qe "$flag\b" <<<"${helps[$name]}" || fail "$name --help does not list $flag"
  done
}
expect_flags host_main --manifest --policy-dir --unsafe-development-mode --audit-log \
  --admin-socket --network-service --v
expect_flags network_service --control-fd --socket-path --policy-dir \
  --unsafe-development-mode --audit-log --admin-socket --v
expect_flags js_renderer --service-socket
expect_flags dsock_run --policy-dir --unsafe-development-mode --origin --permissions \
  --admin-socket
expect_flags dsock_status --admin-socket --json --watch --interval-ms --count
expect_flags dsock_serve --listen --admin-socket --token-file
expect_flags dsock_explain --policy-dir --origin --join --send --open --port --ttl --share

# One spelling: no program knows the underscore forms.
for name in "${!helps[@]}"; do
  if grep -qE -- "--(policy_dir|audit_log|unsafe_development_mode|socket_path|control_fd|network_service|admin_socket)\b" \
      <<<"${helps[$name]}"; then
    fail "$name --help lists an underscore spelling"
  fi
done
for program in host/host_main network_service/network_service; do
  out=$("$program" --manifest=/dev/null --policy_dir=/tmp 2>&1); status=$?
  [ "$status" = 2 ] && grep -q -- "--policy_dir" <<<"$out" ||
    fail "$program --policy_dir=... exited $status, said: $out"
done
out=$(renderer/js/js_renderer --bogus 2>&1); status=$?
[ "$status" = 2 ] && grep -q "unknown flag --bogus" <<<"$out" ||
  fail "js_renderer --bogus exited $status, said: $out"
[ "$failures" = 0 ] && echo "flags ok"
