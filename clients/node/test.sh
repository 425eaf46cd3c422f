#!/usr/bin/env bash
# clients/node/test.sh: the Node client's tests (node --test), against the real engine
# ($VARIANCE_ENGINE, else the checkout's .build/debug/variance-engine). Prints the TAP
# report, then "N passed, M failed". Needs node >= 18 (Debian: nodejs; make deps).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node="${NODE:-node}"
if ! command -v "$node" >/dev/null; then
  echo "no node: apt-get install nodejs (make deps)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
out="$(mktemp "${TMPDIR:-/tmp}/variance-node-test.XXXXXX")"
trap 'rm -f "$out"' EXIT
# Each test bounds its own waits (60 s); the whole run is bounded too, as a last resort.
(cd "$here" && timeout -k 10 900 "$node" --test --test-reporter=tap test/*.test.mjs) 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
p="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)"
f="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)"
c="$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$out" | tail -n 1)"
if [ -z "$p" ] || [ -z "$f" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
f=$((f + ${c:-0}))
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
