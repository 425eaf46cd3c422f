#!/usr/bin/env bash
# Instructions per Olm message of our VarianceOlm, cell by cell, counted by callgrind (which
# does not depend on the load of this shared machine): `variance-bench olm --skip-anchors
# --messages N` for N = M and 2M, and (count(2M) − count(M)) / M, so that start-up, session
# set-up and the warm-up cancel out. OUT=dir keeps the callgrind files (callgrind_annotate
# them to see where the instructions go). Usage: scripts/bench/olm_profile.sh [M]  (default 1600)
# Needs valgrind. Builds variance-bench in release mode first (as scripts/bench/olm.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export PATH="$PATH:/opt/swift/usr/bin"
m="${1:-1600}"
out="${OUT:-$(mktemp -d /tmp/variance-olm-profile.XXXXXX)}"
mkdir -p "$out"

swift build -c release --product variance-bench >&2
# Valgrind 3.19 cannot read Swift's DWARF 5: profile a copy without debug info (the symbol
# table stays, so functions keep their names).
objcopy --strip-debug .build/release/variance-bench "$out/variance-bench.nodebug"

count() {  # cell messages -> instructions
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$1.$2.out" \
        "$out/variance-bench.nodebug" olm --skip-anchors --rounds 1 --cell "$1" --messages "$2" --json \
        >/dev/null 2>"$out/callgrind.$1.$2.log"
    grep -o 'Collected : [0-9]*' "$out/callgrind.$1.$2.log" | grep -o '[0-9]*$'
}

printf '%-20s %14s\n' "cell" "instr./message"
for cell in oneway-100 alternating-100 oneway-10240 alternating-10240; do
    a=$(count "$cell" "$m")
    b=$(count "$cell" $((2 * m)))
    printf '%-20s %14s\n' "$cell" "$(( (b - a) / m ))"
done
echo "callgrind files: $out" >&2
