# Shell helpers of the JS tests (tests/js/*_test.sh). Source it from the
# runfiles root; it re-runs the sourcing script in a private network
# namespace first (the kernel removes it when the script ends).

if [ -z "${DSOCK_PRIVATE_NETNS:-}" ]; then
  exec unshare --net env DSOCK_PRIVATE_NETNS=1 "$0" "$@"
fi
ip link set lo up

# add_multicast_interface: a veth pair a0/a1 with 10.78.0.1/24 and fd78::1
# on a0, and the IPv4 multicast route through it, so joins and multicast
# sends have an interface (loopback alone has none for them).
add_multicast_interface() {
  ip link add a0 type veth peer name a1
  ip link set a1 up
  ip link set a0 up
  ip addr add 10.78.0.1/24 dev a0
  ip addr add fd78::1/64 dev a0 nodad
  ip route add 224.0.0.0/4 dev a0
}

# `dsock run` with the programs Bazel built for this test, enforcing no
# policy (these tests exercise the API itself); `dsock_managed` for a run
# that gives its own --policy-dir.
dsock_managed=(tools/dsock/dsock run
               --network-service network_service/network_service
               --renderer renderer/js/js_renderer)
dsock=("${dsock_managed[@]}" --unsafe-development-mode)

# start_app APP [ARGS...]: runs `dsock run ARGS APP` in the background
# (bounded to 120 s) with its output on fd 3; sets $app to its PID.
start_app() {
  local app_path=$1 fifo
  shift
  fifo=$(mktemp -u /tmp/dsock-js.XXXXXX)
  mkfifo "$fifo"
  timeout 120 "${dsock[@]}" "$@" "$app_path" >"$fifo" 2>&1 &
  app=$!
  exec 3<"$fifo"
  rm -f "$fifo"
}

# service_of_app: the PID of the network service serving $app.
service_of_app() {
  pgrep -P "$(pgrep -P "$app")" -f network_service
}

# expect_app_line TEXT [SECONDS]: reads the started app's output (echoing
# it) until a line starts with TEXT; each read bounded by SECONDS (60).
# Returns 1 if the app ends or goes quiet first.
expect_app_line() {
  local line
  while IFS= read -r -t "${2:-60}" line <&3; do
    echo "app: $line"
    [[ "$line" == "$1"* ]] && return 0
  done
  return 1
}
