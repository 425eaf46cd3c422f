#!/usr/bin/env bash
# The Olm benchmark in one run: builds variance-bench in release mode, makes (or checks) the
# interop virtualenv .venv-interop with scripts/interop-venv.sh (vodozemac 0.10.0 and
# python-olm 3.2.16 among its pins), and runs `variance-bench olm`: Olm messages/s of our
# VarianceOlm beside vodozemac and libolm (scripts/bench/olm_anchor.py), 100 B and 10 KiB, one
# way and alternating, with ratios. Extra arguments go to `variance-bench olm`, e.g. `--json`
# or `--rounds 7`. docs/PERFORMANCE.md (section "Olm") records what it printed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="$PATH:/opt/swift/usr/bin"

swift build -c release --product variance-bench >&2
scripts/interop-venv.sh >&2

exec .build/release/variance-bench olm \
    --python "$root/.venv-interop/bin/python" --anchor "$root/scripts/bench/olm_anchor.py" "$@"
