# Shell helpers of the JS tests (tests/js/*_test.sh). Source it from the
# runfiles root; it re-runs the sourcing script in a private network
# namespace first (the kernel removes it when the script ends).

if [ -z "${DSOCK_PRIVATE_NETNS:-}" ]; then
  exec unshare --net env DSOCK_PRIVATE_NETNS=1 "$0" "$@"
fi
ip link set lo up

# `dsock run` with the programs Bazel built for this test.
dsock=(tools/dsock/dsock run --network-service network_service/network_service
       --renderer renderer/js/js_renderer)

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
