#!/usr/bin/env bash
# The JS conformance apps in Chromium 156 and in our renderer, compared app
# by app: each app runs through `dsock run` and, as an Isolated Web App, in
# headless Chromium (chromium_app_runner), each in a private network
# namespace with the same network; what each printed and how it ended must
# be the same. An app that may differ on purpose says why in its
# `// chrome-differs: REASON` line. Prints how many agree, how many differ on
# purpose (listed), and each other difference; exits 1 if there is any.
# Usage: tests/chromium/differential_test.sh [APP.mjs...] (from the runfiles
# root; default: every app of tests/js and examples/errors). Root.
set -uo pipefail
source tools/lib.sh
enter_private_netns "$@"
add_multicast_interface

apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(tests/js/*_test.mjs tests/js/service_death.mjs
  tests/js/node_powers/*.mjs tests/js/permissions/*.mjs examples/errors/*.mjs)

# What an app printed and how it ended, without the programs' own lines
# (ready lines, logs, the audit log) and an uncaught error's stack, which a
# page does not see: "APP: uncaught NAME: message" in our renderer is
# "uncaught NAME: message" as chromium_app_runner reports it.
normalize() {
  grep -v -e '^dsock run: ' -e '^network_service: ' -e '^host: ' \
    -e '^js_renderer: ' -e '^{"action":' -e '^{".*"event":"' -e '^    at ' |
    sed 's/^[^ ]*\.mjs: uncaught /uncaught /' || true
}

# Whether our output is Chrome's: line by line the same, except that where
# Chrome has a sentence our message may add detail after it ("Network
# Error. (binding ...)" for Chrome's "Network Error."), as docs/js-api.md
# says.
same_as_chrome() {
  local -a our_lines their_lines
  mapfile -t our_lines <<<"$1"
  mapfile -t their_lines <<<"$2"
  [ ${#our_lines[@]} = ${#their_lines[@]} ] || return 1
  for ((i = 0; i < ${#our_lines[@]}; i++)); do
    [ "${our_lines[$i]}" = "${their_lines[$i]}" ] && continue
    [[ "${our_lines[$i]}" == "${their_lines[$i]} ("* ]] || return 1
  done
}

# Both run each app at the same origin, as the same files.
origin=$(tests/chromium/chromium_app_runner --print_origin)

agree=0 on_purpose=() differ=()
for app in "${apps[@]}"; do
  args=()
  while read -r keyword rest; do
    [ "$keyword" = args ] && read -ra more <<<"$rest" && args+=("${more[@]}")
  done < <(app_expectations "$app")
  reason=$(sed -n 's|^// chrome-differs: ||p' "$app" | head -1)
  permissions=direct-sockets,direct-sockets-multicast,local-network,loopback-network
  for ((i = 0; i < ${#args[@]}; i++)); do
    [ "${args[$i]}" = --permissions ] && permissions=${args[$((i + 1))]}
  done
  dsock_run_for "${args[@]}"
  ours=$(timeout 120 "${run[@]}" --origin "$origin" "${args[@]}" "$app" 2>&1 | normalize)
  ours+=$'\n'"(exit ${PIPESTATUS[0]})"
  theirs=$(timeout 120 tests/chromium/chromium_app_runner \
    --permissions="$permissions" "$app" 2>&1 | normalize)
  theirs+=$'\n'"(exit ${PIPESTATUS[0]})"
  if same_as_chrome "$ours" "$theirs"; then
    agree=$((agree + 1))
    echo "same: $app"
  elif [ -n "$reason" ]; then
    on_purpose+=("$app: $reason")
    echo "differs on purpose: $app ($reason)"
  else
    differ+=("$app")
    echo "DIFFERS: $app (- ours, + Chromium 156)"
    diff -u <(echo "$ours") <(echo "$theirs") | tail -n +3
  fi
done
echo
echo "${#apps[@]} apps: $agree the same in both, ${#on_purpose[@]} differ on purpose, ${#differ[@]} differ otherwise"
for line in "${on_purpose[@]}"; do echo "  on purpose: $line"; done
for app in "${differ[@]}"; do echo "  DIFFERS: $app"; done
[ ${#differ[@]} = 0 ]
