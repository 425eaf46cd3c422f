#!/usr/bin/env bash
# `make bench`: builds the engine and the benchmark in release mode, installs the anchor
# (deltachat-rpc-server, into .venv-bench/) and runs the side-by-side benchmark.
# Extra arguments go to `variance-bench engine`, e.g. `scripts/bench/run.sh --json`.
# docs/PERFORMANCE.md records what it printed and how to read it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="$PATH:/opt/swift/usr/bin"

# `swift build` keeps only the last --product it is given: one invocation per product.
swift build -c release --product variance-engine
swift build -c release --product variance-bench

anchor="$(scripts/bench/setup-anchor.sh)"

exec .build/release/variance-bench engine --compare \
    --engine .build/release/variance-engine --anchor "$anchor" "$@"
