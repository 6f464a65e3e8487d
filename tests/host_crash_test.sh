#!/usr/bin/env bash
# Killing the host process (SIGKILL) on a machine of a private LAN: its
# network service and its renderers exit rather than live on as orphans,
# and the kernel keeps none of their memberships. Needs root; run with the
# sandbox off (named namespaces).
set -euo pipefail
work=$(mktemp -d /tmp/dsock-crash.XXXXXX)
lan="dsc$$"
bin=$PWD
source tools/lib.sh
trap 'stop_all; tools/netns-lan down "$lan"; rm -rf "$work"' EXIT
tools/netns-lan up "$lan"

app_origin=isolated-app://longlistener dsock_on rcv1 recv --group 239.1.2.3 \
  --port 7000 --count 1 --timeout-ms 60000
start listener "joined" "${cmd[@]}"
host_pid=${pid_of[listener]}
kernel_has_igmp rcv1 030201EF || { echo "FAIL: no membership after join"; exit 1; }
# The renderer sandboxed itself into an empty network namespace of its own,
# so rcv1's namespace lists the host and the service; the host names it.
renderer_pid=$(sed -n 's/^host: renderer \([0-9]*\) for .*/\1/p' "$work/listener.out")
running=$(processes_on rcv1 | wc -l)
echo "rcv1 runs $running processes (host, network service); renderer $renderer_pid"
[ "$running" = 2 ] || { echo "FAIL: expected 2 processes"; processes_on rcv1; exit 1; }
[ -n "$renderer_pid" ] && kill -0 "$renderer_pid" ||
  { echo "FAIL: no renderer"; cat "$work/listener.out"; exit 1; }
[ "$(readlink /proc/"$renderer_pid"/ns/net)" != "$(readlink /proc/"$host_pid"/ns/net)" ] ||
  { echo "FAIL: the renderer shares the host's network namespace"; exit 1; }

kill -KILL "$host_pid"
no_processes() { [ -z "$(processes_on rcv1)" ] && ! kill -0 "$renderer_pid" 2>/dev/null; }
no_membership() { ! kernel_has_igmp rcv1 030201EF; }
wait_for 5 no_processes ||
  { echo "FAIL: orphans outlived the host:"; processes_on rcv1;
    ps -o pid,cmd -p "$renderer_pid" || true; exit 1; }
wait_for 5 no_membership || { echo "FAIL: the membership outlived the host"; exit 1; }
echo "PASS: after the host's SIGKILL, its service and renderer exited and the membership is gone"
