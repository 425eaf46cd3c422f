#!/usr/bin/env bash
# The clients' tests, against the real engine:
#   1. the Python client (clients/python) with pytest, in the project's venv .venv-interop
#      (pytest and its dependencies, pinned in clients/python/requirements-test.txt, are
#      installed there when missing: idempotent, offline once installed);
#   2. the shell client (clients/shell/test.sh);
#   2b. rpc-client in a pseudo-terminal (scripts/rpc-client-pty-test.py; the client is
#      $RPC_CLIENT, else .build/debug/rpc-client: swift build --product rpc-client);
#   2c. the Emacs client (clients/emacs/test.sh: ERT in batch Emacs, emacs-nox);
#   2d. the Node client (clients/node/test.sh: node --test, Debian's nodejs);
#   3. docs/RPC.md is what scripts/gen-rpc-doc.py makes of rpc-spec/openrpc.json today.
# The engine is $VARIANCE_ENGINE, else .build/debug/variance-engine (build it first:
# swift build --product variance-engine). The last line is "N passed, M failed", counting
# every test of them all; the exit status is non-zero if anything failed.
# Usage: scripts/clients-test.sh        (from anywhere; PYTHON=... picks the venv's interpreter)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-interop"
requirements="$root/clients/python/requirements-test.txt"
python="${PYTHON:-python3}"
export VARIANCE_ENGINE="${VARIANCE_ENGINE:-$root/.build/debug/variance-engine}"
export PYTHONDONTWRITEBYTECODE=1
passed=0
failed=0
tmp="$(mktemp -d "${TMPDIR:-/tmp}/clients-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ ! -x "$VARIANCE_ENGINE" ]; then
  echo "clients-test: no engine at $VARIANCE_ENGINE (swift build --product variance-engine)" >&2
  failed=$((failed + 1))
  finish
fi

# -- 1. Python --------------------------------------------------------------------------
echo "== clients/python (pytest)"
python_ready=1
if [ -d "$venv" ] && ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "clients-test: $venv is broken; run scripts/interop-venv.sh (it makes it again)" >&2
  python_ready=
elif [ ! -x "$venv/bin/python" ]; then
  echo "clients-test: creating $venv"
  "$python" -m venv "$venv" || { echo "clients-test: '$python -m venv' failed (apt-get install python3-venv)" >&2; python_ready=; }
fi
if [ -n "$python_ready" ]; then
  # Installed already, at the pinned versions? Then nothing to do (and no network needed).
  if ! "$venv/bin/python" - "$requirements" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, _, pinned = line.partition("==")
        if version(name) != pinned:
            sys.exit(1)
PY
  then
    echo "clients-test: installing $(grep -c '==' "$requirements") pinned packages into $venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements" ||
      { echo "clients-test: pip install -r $requirements failed" >&2; python_ready=; }
  fi
fi
if [ -n "$python_ready" ]; then
  (cd "$root/clients/python" && "$venv/bin/python" -m pytest -q --junitxml="$tmp/pytest.xml")
  pytest_status=$?
  if counts="$("$venv/bin/python" - "$tmp/pytest.xml" <<'PY' 2>/dev/null
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - bad - skipped, bad)
PY
  )"; then
    read -r p f <<<"$counts"
    passed=$((passed + p)); failed=$((failed + f))
    # pytest failing without a failed test (collection error, no tests...) is a failure too.
    if [ "$pytest_status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
      echo "clients-test: pytest ran no test" >&2; failed=$((failed + 1))
    fi
  else
    echo "clients-test: pytest wrote no report (exit status $pytest_status)" >&2
    failed=$((failed + 1))
  fi
else
  failed=$((failed + 1))
fi

# -- 2. Shell ---------------------------------------------------------------------------
echo "== clients/shell (test.sh)"
"$root/clients/shell/test.sh" | tee "$tmp/shell.out"
shell_status=${PIPESTATUS[0]}
summary="$(tail -n 1 "$tmp/shell.out")"
if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
  if [ "$shell_status" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then failed=$((failed + 1)); fi
else
  echo "clients-test: clients/shell/test.sh ended without a summary (exit status $shell_status)" >&2
  failed=$((failed + 1))
fi

# Runs a test script that prints "N passed, M failed" as its last line; adds its counts.
# A script that fails without a failed test, or ends without the line, counts as one failure.
run_counted() {
  local name="$1" out="$tmp/${1//\//_}.out"
  shift
  "$@" | tee "$out"
  local status=${PIPESTATUS[0]}
  local summary
  summary="$(tail -n 1 "$out")"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
    if [ "$status" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then failed=$((failed + 1)); fi
  else
    echo "clients-test: $name ended without a summary (exit status $status)" >&2
    failed=$((failed + 1))
  fi
}

# -- 2b. rpc-client in a pseudo-terminal ------------------------------------------------
echo "== rpc-client in a pty (scripts/rpc-client-pty-test.py)"
export RPC_CLIENT="${RPC_CLIENT:-$root/.build/debug/rpc-client}"
run_counted "scripts/rpc-client-pty-test.py" "$python" "$root/scripts/rpc-client-pty-test.py"

# -- 2c. Emacs ---------------------------------------------------------------------------
echo "== clients/emacs (ERT in batch Emacs)"
run_counted "clients/emacs/test.sh" "$root/clients/emacs/test.sh"

# -- 2d. Node ----------------------------------------------------------------------------
echo "== clients/node (node --test)"
run_counted "clients/node/test.sh" "$root/clients/node/test.sh"

# -- 3. docs/RPC.md ---------------------------------------------------------------------
echo "== docs/RPC.md (scripts/gen-rpc-doc.py)"
if "$python" "$root/scripts/gen-rpc-doc.py" --spec "$root/rpc-spec/openrpc.json" -o "$tmp/RPC.md" &&
   diff -u "$root/docs/RPC.md" "$tmp/RPC.md" >"$tmp/RPC.diff"; then
  echo "ok - docs/RPC.md matches rpc-spec/openrpc.json"
  passed=$((passed + 1))
else
  echo "not ok - docs/RPC.md is stale: run scripts/gen-rpc-doc.py"
  head -n 60 "$tmp/RPC.diff"
  failed=$((failed + 1))
fi

finish
