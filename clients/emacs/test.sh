#!/usr/bin/env bash
# clients/emacs/test.sh: the Emacs client's ERT tests in batch Emacs, against the real
# engine ($VARIANCE_ENGINE, else the checkout's .build/debug/variance-engine). Prints ERT's
# report, then "N passed, M failed". Needs emacs (Debian: emacs-nox; make deps).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export VARIANCE_ENGINE="${VARIANCE_ENGINE:-$root/.build/debug/variance-engine}"
emacs="${EMACS:-emacs}"
if ! command -v "$emacs" >/dev/null; then
  echo "no emacs: apt-get install emacs-nox (make deps)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
out="$(mktemp "${TMPDIR:-/tmp}/variance-ert.XXXXXX")"
trap 'rm -f "$out"' EXIT
"$emacs" -Q --batch -L "$here" -l "$here/variance-test.el" -f ert-run-tests-batch-and-exit 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
# ERT's summary: "Ran 9 tests, 8 results as expected, 1 unexpected[, 0 skipped] (...)".
summary="$(grep -E '^Ran [0-9]+ tests?, [0-9]+ results? as expected' "$out" | tail -n 1)"
if [[ "$summary" =~ ^Ran\ ([0-9]+)\ tests?,\ ([0-9]+)\ results?\ as\ expected,\ ([0-9]+)\ unexpected ]]; then
  p="${BASH_REMATCH[2]}"; f="${BASH_REMATCH[3]}"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$p passed, $f failed"
  [ "$status" -eq 0 ] && [ "$f" -eq 0 ]
else
  echo "0 passed, 1 failed"
  exit 1
fi
