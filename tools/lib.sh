# Shell helpers shared by tools/main-job and the LAN tests. Source it after
# setting $work (a private temporary directory). Needs bash 5.
declare -A pid_of fd_of
pids=()

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

# expect_line NAME PATTERN: reads NAME's output until a line contains
# PATTERN (each read bounded by 10 s); returns 1 if NAME ends first.
expect_line() {
  local name=$1 pattern=$2 line
  while IFS= read -r -t 10 -u "${fd_of[$name]}" line; do
    echo "$line" >>"$work/$name.out"
    [[ $line == *"$pattern"* ]] && return 0
  done
  return 1
}

# dsock_on HOST ARGS...: sets the array $cmd to dsock ARGS run on HOST of
# the LAN $lan, through HOST's network service at $work/HOST/net.sock.
dsock_on() {
  local host=$1; shift
  cmd=(tools/netns-lan exec "$lan" "$host" "$bin/tools/dsock/dsock" "$@"
       --service-socket="$work/$host/net.sock")
}

# start_services HOST...: a network service on each HOST of the LAN $lan.
start_services() {
  local host
  for host in "$@"; do
    mkdir -p -m 700 "$work/$host"
    start "service_$host" "listening on" tools/netns-lan exec "$lan" "$host" \
      "$bin/network_service/network_service" \
      --socket_path="$work/$host/net.sock"
  done
}
