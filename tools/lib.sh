# The shell library of tools/main-job and every test script (the LAN tests,
# the JS app tests): background programs read line by line, bounded waits,
# private network namespaces, and the commands that run an app. Source it,
# then set $work (a private temporary directory) before start(), or call
# begin_scenario, which sets it. Needs bash 5.
declare -A pid_of fd_of
pids=()

# begin_scenario NAME PREFIX TARGET...: for a script run from the
# repository's root (tools/main-job, tools/video-wall, ...): sets $bin to
# the built programs ($DSOCK_BIN_DIR when a test built them, else after
# tools/setup, unless $setup is 0, and `bazel build TARGET...`), $work to a
# private directory and $lan to PREFIX and the PID. On exit it stops what
# start() started, removes the LAN and $work, copying every program's
# output to $keep first when it is set.
begin_scenario() {
  local name=$1 prefix=$2; shift 2
  if [ -n "${DSOCK_BIN_DIR:-}" ]; then
    bin=$DSOCK_BIN_DIR
  else
    [ "${setup:-1}" = 1 ] && tools/setup
    bazel build "$@"
    bin=$(bazel info bazel-bin 2>/dev/null)
  fi
  work=$(mktemp -d "/tmp/dsock-$name.XXXXXX")
  lan="$prefix$$"
  trap end_scenario EXIT
}

end_scenario() {
  stop_all
  tools/netns-lan down "$lan"
  if [ -n "${keep:-}" ]; then
    mkdir -p "$keep"
    cp "$work"/*.out "$work"/*.err "$keep"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}

# start NAME READY CMD...: runs CMD in the background and reads its stdout
# line by line, each read bounded by 10 s, until a line contains READY (an
# empty READY returns at once). Lines go to $work/NAME.out, stderr to
# $work/NAME.err. Returns 1 if READY never came.
start() {
  local name=$1 ready=$2 out line; shift 2
  exec {out}< <(exec "$@" 2>"$work/$name.err")
  pid_of[$name]=$!
  fd_of[$name]=$out
  pids+=($!)
  : >"$work/$name.out"
  [[ -z $ready ]] && return 0
  while IFS= read -r -t 10 -u "$out" line; do
    echo "$line" >>"$work/$name.out"
    [[ $line == *"$ready"* ]] && return 0
  done
  echo "$name did not get ready (no \"$ready\"); it printed:" >&2
  cat "$work/$name.out" "$work/$name.err" >&2
  return 1
}

# finish NAME: reads the rest of NAME's output until it exits (bounded by
# the program's own timeout) and returns its exit status.
finish() {
  local name=$1 line
  while IFS= read -r -u "${fd_of[$name]}" line; do
    echo "$line" >>"$work/$name.out"
  done
  wait "${pid_of[$name]}"
}

# stop_all: kills what start() started.
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# wait_for SECONDS CMD...: runs CMD every 20 ms until it succeeds, for
# kernel state no program announces; returns 1 after SECONDS.
wait_for() {
  local seconds=$1 i; shift
  for ((i = 0; i < seconds * 50; i++)); do
    "$@" && return 0
    sleep 0.02
  done
  return 1
}

# expect_line NAME PATTERN [SECONDS]: reads NAME's output until a line
# contains PATTERN (each read bounded by SECONDS, default 10); returns 1 if
# NAME ends or goes quiet first.
expect_line() {
  local name=$1 pattern=$2 line
  while IFS= read -r -t "${3:-10}" -u "${fd_of[$name]}" line; do
    echo "$line" >>"$work/$name.out"
    [[ $line == *"$pattern"* ]] && return 0
  done
  return 1
}

# dsock_on MACHINE ARGS...: sets the array $cmd to run, on MACHINE of the
# LAN $lan, the browser-like host with one isolated app whose renderer is
# dsock ARGS (sandboxed, its channel bound to the app's origin). The app's
# origin is $app_origin if set, else isolated-app://dsock. The machine's
# network service enforces the policy directory $policy_dir when set, else
# no policy at all (--unsafe-development-mode: the tests of multicast
# itself).
# Needs $bin (the built binaries) and $work.
dsock_on() {
  local machine=$1; shift
  local origin=${app_origin:-isolated-app://dsock}
  local args="\"$bin/tools/dsock/dsock\"" arg
  for arg in "$@"; do
    arg=${arg//\\/\\\\}
    arg=${arg//\"/\\\"}
    arg=${arg//$'\n'/\\n}
    args+=", \"$arg\""
  done
  manifest_count=$(( ${manifest_count:-0} + 1 ))
  local manifest="$work/manifest-$manifest_count.json"
  printf '{"apps": [{"origin": "%s", "command": [%s]}]}\n' "$origin" "$args" \
    >"$manifest"
  cmd=(tools/netns-lan exec "$lan" "$machine" "$bin/host/host_main"
       --manifest="$manifest")
  if [ -n "${policy_dir:-}" ]; then
    cmd+=(--policy-dir="$policy_dir")
  else
    cmd+=(--unsafe-development-mode)
  fi
  return 0
}

# js_app_on MACHINE ORIGIN APP.mjs: sets the array $cmd to run, on MACHINE
# of the LAN $lan, the JS isolated app APP.mjs with ORIGIN through
# `dsock run` (a host, the machine's network service, a sandboxed
# js_renderer). The service enforces $policy_dir when set, else no policy
# at all (--unsafe-development-mode). Needs $bin.
js_app_on() {
  cmd=(tools/netns-lan exec "$lan" "$1" "$bin/tools/dsock/dsock" run
       --network-service "$bin/network_service/network_service"
       --renderer "$bin/renderer/js/js_renderer" --origin "$2")
  if [ -n "${policy_dir:-}" ]; then
    cmd+=(--policy-dir "$policy_dir")
  else
    cmd+=(--unsafe-development-mode)
  fi
  cmd+=("$3")
  return 0
}

# --- Kernel state and packets on a machine of the LAN $lan ----------------
# on MACHINE CMD...: runs CMD on MACHINE.
on() { tools/netns-lan exec "$lan" "$@"; }
# /proc/net/igmp prints an IPv4 group as the raw 32-bit value in host
# order (x86: 239.1.2.3 is 030201EF); /proc/net/mcfilter prints group and
# source with ntohl (0xef010203); igmp6 and mcfilter6 print 32 hex digits.
kernel_has_igmp() { on "$1" grep -q "$2" /proc/net/igmp; }
kernel_has_igmp6() { on "$1" grep -q "$2" /proc/net/igmp6; }
kernel_has_mcfilter() { on "$1" grep -q "$2" /proc/net/mcfilter; }
kernel_has_mcfilter6() { on "$1" grep -q "$2" /proc/net/mcfilter6; }
# Processes still running on MACHINE (the namespace's pids), one per line.
processes_on() { ip netns pids "$lan-$1" 2>/dev/null || true; }
# capture NAME MACHINE TCPDUMP-ARGS...: starts tcpdump on MACHINE's eth0
# (line-buffered, at most 10 s) and returns once it is listening; read its
# lines with expect_line NAME or finish NAME.
capture() {
  local name=$1 machine=$2; shift 2
  local args="" arg
  for arg in "$@"; do args+=" '$arg'"; done
  start "$name" "listening on" tools/netns-lan exec "$lan" "$machine" sh -c \
    "exec timeout 10 tcpdump -i eth0 -n -l$args 2>&1"
}

# --- One machine: a private network namespace ------------------------------
# enter_private_netns "$@": re-runs the calling script in a network namespace
# of its own with loopback up (the kernel removes it when the script ends).
# Call it first, with the script's arguments.
enter_private_netns() {
  if [ -z "${DSOCK_PRIVATE_NETNS:-}" ]; then
    exec unshare --net env DSOCK_PRIVATE_NETNS=1 "$0" "$@"
  fi
  ip link set lo up
}

# add_multicast_interface: in that namespace, a veth pair a0/a1 with
# 10.78.0.1/24 and fd78::1 on a0, and the IPv4 multicast route through it,
# so joins and multicast sends have an interface (loopback alone has none).
add_multicast_interface() {
  ip link add a0 type veth peer name a1
  ip link set a1 up
  ip link set a0 up
  ip addr add 10.78.0.1/24 dev a0
  ip addr add fd78::1/64 dev a0 nodad
  ip route add 224.0.0.0/4 dev a0
}

# --- The admin's view: examples/admin's two apps under one host ------------
# start_admin_example: runs a host_main (from $bin, else the runfiles root)
# with examples/admin's receiving and sending app under
# examples/admin/policy, its audit log at $work/audit.log and its admin
# socket at $admin ($work/admin/admin.sock), and returns once both apps
# printed their own view (their lines are in $work/host.out). The host runs
# where this shell is, with add_multicast_interface's interface, or with
# $own_netns=1 in a private network namespace of its own (so that the
# admin's tools stay in this one). Needs $work.
start_admin_example() {
  local root=${bin:-$PWD} view
  admin="$work/admin/admin.sock"
  cat >"$work/apps.json" <<JSON
{"apps": [
  {"origin": "isolated-app://statusreceiver",
   "command": ["$root/renderer/js/js_renderer", "$PWD/examples/admin/receiver.mjs"]},
  {"origin": "isolated-app://statussender",
   "command": ["$root/renderer/js/js_renderer", "$PWD/examples/admin/sender.mjs"]}
]}
JSON
  local host=("$root/host/host_main" --manifest="$work/apps.json"
              --network-service="$root/network_service/network_service"
              --policy-dir="$PWD/examples/admin/policy"
              --audit-log="$work/audit.log" --admin-socket="$admin")
  if [ "${own_netns:-0}" = 1 ]; then
    host=(unshare --net bash -c 'source tools/lib.sh; ip link set lo up
      add_multicast_interface; exec "$@"' admin-example "${host[@]}")
  else
    add_multicast_interface
  fi
  start host "" "${host[@]}"
  for view in "sender view" "receiver view"; do
    grep -q "^$view " "$work/host.out" && continue
    expect_line host "$view" 20 || {
      echo "no \"$view\" line; the host printed:" >&2
      cat "$work/host.out" "$work/host.err" >&2
      return 1
    }
  done
}

# `dsock run` with the programs Bazel built for a test, from the runfiles
# root: $dsock_run enforces no policy (tests of the API itself);
# $dsock_run_managed takes the test's own --policy-dir.
dsock_run_managed=(tools/dsock/dsock run
                   --network-service network_service/network_service
                   --renderer renderer/js/js_renderer)
dsock_run=("${dsock_run_managed[@]}" --unsafe-development-mode)

# app_expectations APP: an app's `// expect:` lines (tests/js/run_app_test.sh
# says what they mean), one a line, without the prefix.
app_expectations() { sed -n 's|^// expect: ||p' "$1"; }

# dsock_run_for ARGS...: sets the array $run to `dsock run` for an app run
# with ARGS: $dsock_run_managed when they give --policy-dir, else $dsock_run.
dsock_run_for() {
  run=("${dsock_run[@]}")
  [[ " $* " == *" --policy-dir "* ]] && run=("${dsock_run_managed[@]}")
  return 0
}

# service_of NAME: the PID of the network service under the `dsock run`
# that start() runs as NAME (through timeout: timeout, dsock, service).
service_of() {
  pgrep -P "$(pgrep -P "${pid_of[$1]}")" -f network_service
}
