#!/usr/bin/env bash
# dsock policy validate / explain on the shipped examples and on broken
# files: exit codes and the exact words an admin sees.
set -uo pipefail
dsock=tools/dsock/dsock
failures=0
expect() {  # expect STATUS WORDS ARGS...
  local status=$1 words=$2; shift 2
  local out got
  out=$("$dsock" "$@" 2>&1); got=$?
  if [ "$got" != "$status" ] || ! grep -qF -- "$words" <<<"$out"; then
    echo "FAIL: dsock $* exited $got (want $status), said: $out"
    failures=$((failures + 1))
  else
    echo "ok: dsock $*"
  fi
}
expect 0 "policy/examples: valid (managed device)" policy validate policy/examples
broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
echo '{"DirectSocketsAllowedForUrls": ["*"]}' >"$broken/10-star.json"
echo '{"DefaultDirectSocketsSetting": 7}' >"$broken/20-setting.json"
echo '{"DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"], "receive_groups": ["10.0.0.0/8"]}]}' >"$broken/30-cidr.json"
echo '{not json' >"$broken/40-json.json"
expect 1 '10-star.json: DirectSocketsAllowedForUrls[0]: a bare "*" is not accepted' \
  policy validate "$broken"
expect 1 "20-setting.json: DefaultDirectSocketsSetting: expected 1 (allow) or 2 (block), got 7" \
  policy validate "$broken"
expect 1 '30-cidr.json: DirectSocketsMulticastRules[0].receive_groups[0]: "10.0.0.0/8" is not a multicast range' \
  policy validate "$broken"
expect 1 "40-json.json: " policy validate "$broken"
expect 0 "ALLOW by DirectSocketsMulticastRules[0].receive_groups" policy explain \
  --policy-dir policy/examples --origin isolated-app://ssmreceiver \
  --join 232.1.2.3 --source 10.77.0.1 --port 12345
expect 1 "DENY by DirectSocketsMulticastRules[0].ssm_sources: DirectSocketsMulticastRules[0].ssm_sources: source 10.9.0.1 is not allowed for isolated-app://ssmreceiver" \
  policy explain --policy-dir policy/examples --origin isolated-app://ssmreceiver \
  --join 232.1.2.3 --source 10.9.0.1 --port 12345
# The examples block Direct Sockets by default: that decides first.
expect 1 "DENY by DefaultDirectSocketsSetting: DefaultDirectSocketsSetting is 2 (block) and no allow list names isolated-app://stranger" \
  policy explain --policy-dir policy/examples --origin isolated-app://stranger \
  --open --port 12345
expect 1 "not managed" policy explain --policy-dir /nonexistent \
  --origin isolated-app://sender --send 239.1.2.3 --port 12345
expect 2 "give one of --join G, --send G, --open" policy explain \
  --policy-dir policy/examples --origin isolated-app://sender --port 12345
[ "$failures" = 0 ]
