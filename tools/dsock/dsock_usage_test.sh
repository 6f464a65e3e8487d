#!/usr/bin/env bash
# dsock's command line: usage errors exit 2 with a message, --help exits 0.
set -uo pipefail
dsock=tools/dsock/dsock
failures=0
expect() {  # expect STATUS WORDS ARGS...: dsock ARGS exits STATUS, says WORDS.
  local status=$1 words=$2; shift 2
  local out
  out=$("$dsock" "$@" 2>&1); local got=$?
  if [ "$got" != "$status" ] || ! grep -q -- "$words" <<<"$out"; then
    echo "FAIL: dsock $* exited $got (want $status), said: $out"
    failures=$((failures + 1))
  else
    echo "ok: dsock $* -> $got"
  fi
}
expect 2 "Subcommands"
expect 2 'unknown subcommand "bogus"' bogus
expect 0 "Subcommands" --help
expect 0 "from ADDR:PORT LEN TEXT" recv --help
expect 0 "--interval-ms" send --help
# Each subcommand lists its own options only.
out=$("$dsock" send --help)
if grep -q -- "--share\|--source\|--permissions" <<<"$out"; then
  echo "FAIL: send --help lists another subcommand's option: $out"
  failures=$((failures + 1))
fi
expect 0 "--permissions" run --help
expect 2 "A subcommand is required" policy
expect 2 "APP is required" run
expect 2 "not expected: --bogus" recv --group 239.1.1.1 --port 5000 --bogus
expect 2 "--group is required" recv --port 5000
expect 2 "--port must be 1..65535" send --group 239.1.1.1 --port 70000 --message x
expect 2 "Could not convert: --port = abc" recv --group 239.1.1.1 --port=abc
expect 2 "--ttl must be 0..255" send --group 239.1.1.1 --port 5000 --ttl 300
expect 2 "--count must be at least 1" recv --group 239.1.1.1 --port 5000 --count 0
expect 2 "--group: 1 required TEXT missing" recv --group
expect 2 "--group must be an IP address" recv --group printer.local --port 5000
# With no network service, opening fails: exit 1 with the spec's error.
expect 1 "NetworkError" recv --group 239.1.1.1 --port 5000 \
  --service-socket=/nonexistent/net.sock --timeout-ms 2000
[ "$failures" = 0 ]
