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
expect 1 "40-json.json:1:3: not valid JSON: " policy validate "$broken"
# Each case an admin met (issue 16): another Chrome policy beside ours is
# ignored with a warning, not a refusal of the whole directory; a duplicate
# key and a number written as a string are refused by their key's name; a
# directory that is not there is not "valid".
chrome=$(mktemp -d)
cp policy/examples/*.json "$chrome/"
echo '{"HomepageLocation": "https://example.com/", "ShowHomeButton": true}' \
  >"$chrome/05-chrome.json"
expect 0 "05-chrome.json: HomepageLocation: not a policy this product knows; ignored" \
  policy validate "$chrome"
expect 0 "$chrome: valid (managed device)" policy validate "$chrome"
rm -rf "$chrome"
again=$(mktemp -d)
printf '{"DefaultDirectSocketsSetting": 2,\n "DefaultDirectSocketsSetting": 1}\n' \
  >"$again/10-twice.json"
expect 1 "10-twice.json: DefaultDirectSocketsSetting: the key is given twice in one object (keep one)" \
  policy validate "$again"
echo '{"DefaultDirectSocketsSetting": "2"}' >"$again/10-twice.json"
expect 1 '10-twice.json: DefaultDirectSocketsSetting: expected a whole number, got a string ("2")' \
  policy validate "$again"
rm -rf "$again"
expect 1 "/nonexistent: no such directory; give the directory that holds the policy's *.json files" \
  policy validate /nonexistent
expect 1 "policy/examples/10-direct-sockets.json: not a directory" \
  policy validate policy/examples/10-direct-sockets.json
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
# explain takes the socket's open step first, as the service does: a join
# from a socket the rule would not let the app open is a DENY.
opening=$(mktemp -d)
cat >"$opening/10-apps.json" <<'JSON'
{"DefaultDirectSocketsSetting": 2,
 "DirectSocketsAllowedForUrls": ["isolated-app://a", "isolated-app://b"],
 "DefaultDirectSocketsPrivateNetworkAccessSetting": 2,
 "DirectSocketsPrivateNetworkAccessAllowedForUrls": ["isolated-app://a"],
 "DirectSocketsMulticastRules": [{"origins": ["isolated-app://a"],
   "receive_groups": ["239.1.0.0/16"], "ports": ["5004"]}]}
JSON
explain_a=(policy explain --policy-dir "$opening" --origin isolated-app://a --port 5004)
expect 0 "ALLOW by DirectSocketsMulticastRules[0].receive_groups" "${explain_a[@]}" --join 239.1.2.3
expect 1 "DENY by DirectSocketsMulticastRules[0].allow_address_sharing" \
  "${explain_a[@]}" --join 239.1.2.3 --share
expect 1 "DENY by DirectSocketsMulticastRules[0].max_ttl" "${explain_a[@]}" --join 239.1.2.3 --ttl 2
expect 1 "DENY by DefaultDirectSocketsPrivateNetworkAccessSetting" policy explain \
  --policy-dir "$opening" --origin isolated-app://b --join 239.1.2.3 --port 5004
expect 2 "--share is for a bound socket" "${explain_a[@]}" --send 239.1.2.3 --share
rm -rf "$opening"
[ "$failures" = 0 ]
