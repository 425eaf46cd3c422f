#!/usr/bin/env bash
# Writes scripts/link/variance-engine.order: the functions an engine runs from its start to
# an idle wait, in the order the linker should place them at the front of the code, so that
# the pages start-up touches are few and together (docs/PERFORMANCE.md, "Code layout").
#
#   scripts/link/gen-order-file.sh [ENGINE]   (default: the shipping build, see
#                                              scripts/build-engine-release.sh)
#
# The functions come from valgrind's callgrind (every function that ran at least one
# instruction, by its symbol name) over two sessions with a fresh identity: the benchmark's
# (start, engine.info, 2 s idle, 200 more calls) and a frontend's first screen (identity,
# conversations, contacts, node status: this opens the database). Names the binary does not
# define (the C library's, libstdc++'s) are left out. A stale entry is harmless: the
# linker skips names it does not find, and a function missing from the list is only placed
# with the cold code. Regenerate after large changes to what start-up runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine="$(realpath "${1:-$root/.build-static/release/variance-engine}")"
out="$root/scripts/link/variance-engine.order"
work="$(mktemp -d /tmp/variance-order.XXXXXX)"
trap 'rm -rf "$work"' EXIT

command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
# Valgrind 3.19 cannot read Swift's DWARF 5; the symbol table is all it needs.
objcopy --strip-debug "$engine" "$work/engine"
mkdir "$work/data"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"identity.create","params":{}}' \
    | "$work/engine" --data-dir "$work/data" >/dev/null 2>"$work/setup.log"

call() { printf '{"jsonrpc":"2.0","id":%d,"method":"%s","params":{}}\n' "$1" "$2"; }
bench_session() {
    call 2 engine.info; sleep "${ORDER_IDLE:-2}"
    for i in $(seq 3 202); do call "$i" engine.info; done; sleep 1
}
frontend_session() {
    call 2 engine.info; call 3 identity.show; call 4 conversations.list; call 5 contacts.list
    call 6 node.status; call 7 presence.get; sleep "${ORDER_IDLE:-2}"
}
profile() {
    "$1" | valgrind --tool=callgrind --demangle=no --dump-instr=no \
        --callgrind-out-file="$work/$1.out" "$work/engine" --data-dir "$work/data" \
        >/dev/null 2>"$work/$1.log"
}
profile bench_session
profile frontend_session

nm --defined-only "$work/engine" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$work/defined"
python3 - "$work/bench_session.out" "$work/frontend_session.out" "$work/defined" >"$work/order" <<'PY'
import re, sys
defined = set(open(sys.argv[3]).read().split())
seen, order = set(), []
for path in sys.argv[1:3]:
    names = {}
    for line in open(path, errors="replace"):
        m = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        ident, name = m.groups()
        if name:
            names[ident] = re.sub(r"'\d+$", "", name)
        name = names.get(ident)
        if line.startswith("fn=") and name in defined and name not in seen:
            seen.add(name)
            order.append(name)
print("\n".join(order))
PY

grep -v '^$' "$work/order" >"$out"
echo "$(wc -l <"$out") functions → $out"
