#!/usr/bin/env bash
# Multicast between machines of a private LAN (tools/netns-lan), each app
# run by the browser-like host with its own network service and a sandboxed
# renderer, checked on the wire (tcpdump) and against
# third-party peers (socat, mcfirst from ssmping). The LAN is removed at the
# end, pass or fail. Needs root; run by `bazel test` with the sandbox off.
set -euo pipefail
work=$(mktemp -d /tmp/dsock-lan.XXXXXX)
lan="dsl$$"
bin=$PWD
source tools/lib.sh
trap 'stop_all; tools/netns-lan down "$lan"; rm -rf "$work"' EXIT

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ns=(tools/netns-lan exec "$lan")  # ns HOST CMD: run CMD on HOST.

tools/netns-lan up "$lan"
# Every dsock below runs as an isolated app under the host on its machine
# (tools/lib.sh: dsock_on), with that machine's own network service.

# --- TTL and hop limit on the wire equal multicastTimeToLive -------------
capture cap_ttl rcv2 -v -c 1 "udp port 6000"
dsock_on snd send --group 239.1.2.10 --port 6000 --ttl 5 --message ttl
"${cmd[@]}" >/dev/null
finish cap_ttl || true
grep -q "ttl 5," "$work/cap_ttl.out" && pass "IPv4 TTL on the wire is 5" ||
  { fail "IPv4 TTL"; cat "$work/cap_ttl.out"; }

capture cap_hops rcv2 -v -c 1 "ip6 and udp port 6001"
dsock_on snd send --group ff0e::10 --port 6001 --ttl 7 --message hops
"${cmd[@]}" >/dev/null
finish cap_hops || true
grep -q "hlim 7," "$work/cap_hops.out" && pass "IPv6 hop limit on the wire is 7" ||
  { fail "IPv6 hop limit"; cat "$work/cap_hops.out"; }

# --- IGMPv3 / MLDv2 reports on join and on leave ---------------------------
# Each change is reported twice; capture until both the join ("allow") and
# the leave ("block") have shown, bounded by timeout.
check_reports() {
  local label=$1 filter=$2 group=$3 source=$4 port=$5
  capture "cap_$label" rcv1 -vv "$filter"
  dsock_on rcv1 recv --group "$group" --source "$source" --port "$port" \
    --count 1 --timeout-ms 5000
  start "rcv_$label" "joined" "${cmd[@]}"
  dsock_on snd send --group "$group" --port "$port" --message report
  "${cmd[@]}" >/dev/null
  finish "rcv_$label" || fail "$label: the receiver got nothing"
  # Closing left the group: the kernel reports the source blocked.
  if expect_line "cap_$label" "gaddr $group block"; then
    grep -q "gaddr $group allow { $source }" "$work/cap_$label.out" &&
      pass "$label reports: join (allow $source) and leave (block)" ||
      { fail "$label join report"; cat "$work/cap_$label.out"; }
  else
    fail "$label leave report"; cat "$work/cap_$label.out"
  fi
}
check_reports igmp "igmp" 232.1.2.20 10.77.0.1 6010
check_reports mld "ip6[6]==0 and ip6[48]==143" ff3e::20 fd77::1 6011

# --- ASM and SSM, IPv4 and IPv6, receivers in two namespaces ---------------
two_receivers() {
  local label=$1 asm_group=$2 ssm_group=$3 source=$4 port=$5
  dsock_on rcv1 recv --group "$asm_group" --port "$port" --count 2 --timeout-ms 5000
  start "asm_$label" "joined" "${cmd[@]}"
  dsock_on rcv2 recv --group "$ssm_group" --source "$source" --port "$port" \
    --count 2 --timeout-ms 5000
  start "ssm_$label" "joined" "${cmd[@]}"
  for group in "$asm_group" "$ssm_group"; do
    dsock_on snd send --group "$group" --port "$port" --count 2 --message "to $group"
    "${cmd[@]}" >/dev/null
  done
  finish "asm_$label" && finish "ssm_$label" &&
    [ "$(grep -c "to $asm_group" "$work/asm_$label.out")" = 2 ] &&
    [ "$(grep -c "to $ssm_group" "$work/ssm_$label.out")" = 2 ] &&
    pass "$label: ASM receiver on rcv1 and SSM receiver on rcv2 got both datagrams" ||
    { fail "$label two receivers"; cat "$work/asm_$label.out" "$work/ssm_$label.out"; }
}
two_receivers IPv4 239.1.2.70 232.1.2.70 10.77.0.1 6020
two_receivers IPv6 ff0e::70 ff3e::70 fd77::1 6021

# --- SSM: a second, unlisted source gets nothing through -------------------
unlisted_source() {
  local label=$1 group=$2 listed=$3 port=$4
  dsock_on rcv1 recv --group "$group" --source "$listed" --port "$port" \
    --count 2 --timeout-ms 10000
  start "unlisted_$label" "joined" "${cmd[@]}"
  dsock_on rcv2 send --group "$group" --port "$port" --message intruder
  "${cmd[@]}" >/dev/null
  dsock_on snd send --group "$group" --port "$port" --message trusted
  "${cmd[@]}" >/dev/null
  # The unlisted source sent first: had it got through, its line would be
  # there before the listed one's.
  if expect_line "unlisted_$label" "trusted" &&
     ! grep -q intruder "$work/unlisted_$label.out"; then
    pass "$label: SSM receiver got the listed source only"
  else
    fail "$label unlisted source"; cat "$work/unlisted_$label.out"
  fi
  kill "${pid_of[unlisted_$label]}" 2>/dev/null || true
}
unlisted_source IPv4 232.1.2.80 10.77.0.1 6030
unlisted_source IPv6 ff3e::80 fd77::1 6031

# --- Interop: third-party receivers get our sender's datagrams -------------
start socat4 "" "${ns[@]}" rcv2 timeout 10 socat -u \
  UDP4-RECV:6040,bind=239.1.2.90,reuseaddr,ip-add-membership=239.1.2.90:eth0 STDOUT
wait_for 5 kernel_has_igmp rcv2 5A0201EF
dsock_on snd send --group 239.1.2.90 --port 6040 --message $'from dsock\n'
"${cmd[@]}" >/dev/null
expect_line socat4 "from dsock" && pass "socat (IPv4 ASM) received our sender" ||
  fail "socat IPv4 receiver"

start socat6 "" "${ns[@]}" rcv2 timeout 10 socat -u \
  "UDP6-RECV:6041,bind=[ff0e::90],reuseaddr,ipv6-join-group=[ff0e::90]:eth0" STDOUT
wait_for 5 kernel_has_igmp6 rcv2 ff0e0000000000000000000000000090
dsock_on snd send --group ff0e::90 --port 6041 --message $'from dsock\n'
"${cmd[@]}" >/dev/null
expect_line socat6 "from dsock" && pass "socat (IPv6 ASM) received our sender" ||
  fail "socat IPv6 receiver"

mcfirst_receives() {
  local label=$1 family=$2 source=$3 group=$4 port=$5 ready_check=$6
  start "mcfirst_$label" "" "${ns[@]}" rcv2 mcfirst "$family" -I eth0 -c 1 -t 5 \
    "$source" "$group" "$port"
  local check=kernel_has_mcfilter
  [ "$family" = -6 ] && check=kernel_has_mcfilter6
  wait_for 5 "$check" rcv2 "$ready_check"
  dsock_on snd send --group "$group" --port "$port" --message ssm
  "${cmd[@]}" >/dev/null
  finish "mcfirst_$label" && pass "mcfirst ($label SSM) received our sender" ||
    { fail "mcfirst $label"; cat "$work/mcfirst_$label.out" "$work/mcfirst_$label.err"; }
}
mcfirst_receives IPv4 -4 10.77.0.1 232.1.2.91 6042 0xe801025b
mcfirst_receives IPv6 -6 fd77::1 ff3e::91 6043 ff3e0000000000000000000000000091

# --- Interop: our receivers get a third-party sender's datagrams -----------
from_socat() {
  local label=$1 group=$2 source=$3 port=$4 address=$5
  local args=(--group "$group" --port "$port" --count 1 --timeout-ms 5000)
  [ -n "$source" ] && args+=(--source "$source")
  dsock_on rcv1 recv "${args[@]}"
  start "from_socat_$label" "joined" "${cmd[@]}"
  echo "from socat" | on snd socat -u STDIN "$address"
  finish "from_socat_$label" &&
    grep -q "from socat" "$work/from_socat_$label.out" &&
    pass "our $label receiver got socat's datagram" ||
    { fail "$label receiver from socat"; cat "$work/from_socat_$label.out" "$work/from_socat_$label.err"; }
}
from_socat "IPv4 ASM" 239.1.2.95 "" 6050 \
  "UDP4-DATAGRAM:239.1.2.95:6050,ip-multicast-if=10.77.0.1"
from_socat "IPv4 SSM" 232.1.2.95 10.77.0.1 6051 \
  "UDP4-DATAGRAM:232.1.2.95:6051,ip-multicast-if=10.77.0.1"
from_socat "IPv6 ASM" ff0e::95 "" 6052 "UDP6-DATAGRAM:[ff0e::95]:6052"
from_socat "IPv6 SSM" ff3e::95 fd77::1 6053 "UDP6-DATAGRAM:[ff3e::95]:6053"

echo "$failures failure(s)"
[ "$failures" = 0 ]
