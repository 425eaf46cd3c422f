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
# The engine is measured as it ships (scripts/build-engine-release.sh): the Swift runtime and
# Foundation linked statically, every function in its own section, linked by lld with packed
# relative relocations and the start-up functions first (docs/PERFORMANCE.md, "Code
# layout"). Those flags change every compile command, so the build has its own scratch
# folder. ENGINE_LINK=dynamic measures the ordinary release build instead.
if [ "${ENGINE_LINK:-static}" = static ]; then
    engine="$(scripts/build-engine-release.sh --product variance-engine)"
    # Calls run in variance-media, found beside the engine.
    scripts/build-engine-release.sh --product variance-media >/dev/null
else
    swift build -c release --product variance-engine
    swift build -c release --product variance-media
    engine=.build/release/variance-engine
fi
swift build -c release --product variance-bench

anchor="$(scripts/bench/setup-anchor.sh)"

exec .build/release/variance-bench engine --compare \
    --engine "$engine" --anchor "$anchor" "$@"
