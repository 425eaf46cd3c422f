#!/usr/bin/env bash
# The libp2p benchmark of issue 3, point 10, in one run: builds variance-bench in release mode,
# makes (or checks) the py-libp2p virtualenv .venv-interop with scripts/interop-venv.sh, and runs
# `variance-bench libp2p`: connection set-ups, ping round trips and one-stream throughput,
# Swift↔Swift, Python↔Python and Swift↔Python both ways, beside the ChaCha20-Poly1305 speed
# of this CPU. Extra arguments go to `variance-bench libp2p`, e.g. `--json` or `--rounds 5`.
# docs/PERFORMANCE.md (section "libp2p") records what it printed and how to read it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="$PATH:/opt/swift/usr/bin"

swift build -c release --product variance-bench
scripts/interop-venv.sh >&2

exec .build/release/variance-bench libp2p \
    --python "$root/.venv-interop/bin/python" --pybench "$root/Tests/Interop/pybench.py" "$@"
