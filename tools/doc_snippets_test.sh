#!/usr/bin/env bash
# tools/doc-snippets on small Markdown files of its own: a marked snippet
# runs and its failure fails the run; an unmarked block, a skip without a
# reason or a marker of the wrong kind fails it; prose blocks are left alone.
set -euo pipefail
runner=$PWD/tools/doc-snippets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tools" "$work/docs"
cp "$runner" "$work/tools/doc-snippets"   # It runs from its repository root.
cd "$work"

expect() {  # expect STATUS PATTERN FILE
  local status=0 out
  out=$(tools/doc-snippets "$3" 2>&1) || status=$?
  [ "$status" = "$1" ] || { echo "$3: exit $status, expected $1:"; echo "$out"; exit 1; }
  grep -q -- "$2" <<<"$out" || { echo "$3: no \"$2\" in:"; echo "$out"; exit 1; }
}

printf '%s\n' 'Prose.' '```' 'a diagram, not run' '```' \
  '<!-- snippet: run -->' '```sh' 'echo ran > ran.txt' '```' \
  '<!-- snippet: skip (covered elsewhere) -->' '```sh' 'false' '```' >docs/good.md
expect 0 "1 run, 0 policies checked, 1 skipped with a reason, 0 failed" docs/good.md
[ "$(cat ran.txt)" = ran ] || { echo "the snippet did not run"; exit 1; }

printf '%s\n' '<!-- snippet: run -->' '```sh' 'echo before' 'false' 'echo after' '```' >docs/fails.md
expect 1 "docs/fails.md:2: failed" docs/fails.md
out=$(tools/doc-snippets docs/fails.md 2>&1 || true)
! grep -q "^after" <<<"$out" || { echo "bash -e did not stop the snippet"; exit 1; }

printf '%s\n' 'Text.' '' '```sh' 'true' '```' >docs/unmarked.md
expect 1 "docs/unmarked.md:3: no marker line" docs/unmarked.md

printf '%s\n' '<!-- snippet: skip -->' '```sh' 'true' '```' >docs/noreason.md
expect 1 "a skip must say why" docs/noreason.md

printf '%s\n' '<!-- snippet: run -->' '```js' 'let a;' '```' >docs/wrongkind.md
expect 1 "only sh blocks run" docs/wrongkind.md
echo "doc-snippets ok"
