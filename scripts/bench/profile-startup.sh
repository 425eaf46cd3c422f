#!/usr/bin/env bash
# Where an engine's start-up time and memory go: the libraries it loads, the dynamic
# loader's own time, the system calls of one start → engine.info → exit, the instructions
# it executes (callgrind, stable on a noisy machine) and its resident memory by mapping two
# seconds after the start. docs/PERFORMANCE.md quotes what this prints.
#
#   scripts/bench/profile-startup.sh [ENGINE]        (default .build/release/variance-engine)
#   ANCHOR=1 scripts/bench/profile-startup.sh        (the same for deltachat-rpc-server)
#
# Needs strace and valgrind (apt-get install strace valgrind). OUT=dir keeps the raw files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-$(mktemp -d /tmp/variance-profile.XXXXXX)}"
mkdir -p "$out"

if [ -n "${ANCHOR:-}" ]; then
    engine="$("$root/scripts/bench/setup-anchor.sh")"
    export DC_ACCOUNTS_PATH="$out/accounts"
    # The anchor exits on end of input without answering what it read: keep input open.
    { printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"add_account"}'; sleep 2; } | "$engine" >/dev/null 2>&1
    args=()
    call='{"jsonrpc":"2.0","id":2,"method":"get_selected_account_id"}'
else
    engine="${1:-$root/.build/release/variance-engine}"
    data="$out/data"
    mkdir -p "$data"
    printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"identity.create","params":{}}' \
        | "$engine" --data-dir "$data" >/dev/null 2>"$out/setup.stderr"
    args=(--data-dir "$data")
    call='{"jsonrpc":"2.0","id":2,"method":"engine.info","params":{}}'
fi
# The call, then input stays open for HOLD seconds so that work the engine defers until after
# engine.ready (opening the database) is always inside the profile, whatever the timing.
hold="${HOLD:-2}"
feed() { printf '%s\n' "$call"; sleep "$hold"; }

echo "== $engine"
ls -l "$engine" | awk '{printf "size %.1f MiB\n", $5 / 1048576}'

echo; echo "== shared libraries (ldd)"
if ldd "$engine" >"$out/ldd.txt" 2>&1; then
    awk '/=>/ { print $3 }' "$out/ldd.txt" | while read -r lib; do
        [ -f "$lib" ] && printf '%8.1f MiB  %s\n' "$(stat -L -c %s "$lib" | awk '{print $1 / 1048576}')" "$lib"
    done | sort -rn
    echo "$(grep -c '=>' "$out/ldd.txt") libraries"
else
    cat "$out/ldd.txt"
fi

echo; echo "== dynamic loader (LD_DEBUG=statistics), one start"
feed | LD_DEBUG=statistics LD_DEBUG_OUTPUT="$out/ld" "$engine" "${args[@]}" >/dev/null 2>>"$out/stderr" || true
cat "$out"/ld.* 2>/dev/null | sed -n 's/^ *[0-9]*: *//p' | grep -E "total startup time|time needed for relocation|number of relocations|final number|load time" | head -8 || echo "(no dynamic loader: static executable)"
rm -f "$out"/ld.*

echo; echo "== system calls of one start → call → ${hold} s idle → exit (strace -f -c)"
feed | strace -f -c -o "$out/strace-c.txt" "$engine" "${args[@]}" >/dev/null 2>/dev/null || true
head -25 "$out/strace-c.txt"
feed | strace -f -e trace=open,openat,execve -o "$out/strace-open.txt" "$engine" "${args[@]}" >/dev/null 2>/dev/null || true
echo "files opened: $(grep -cE 'open(at)?\(' "$out/strace-open.txt"), of them shared objects: $(grep -E 'open(at)?\(' "$out/strace-open.txt" | grep -v ENOENT | grep -c '\.so')"
feed | strace -f -e trace=clone,clone3 -o "$out/strace-clone.txt" "$engine" "${args[@]}" >/dev/null 2>/dev/null || true
echo "threads created: $(grep -c 'CLONE_THREAD' "$out/strace-clone.txt" || true)"

echo; echo "== instructions of one start → call → ${hold} s idle → exit (valgrind --tool=callgrind)"
# Valgrind 3.19 cannot read Swift's DWARF 5: profile a copy without debug info (the symbol
# table stays, so functions keep their names).
objcopy --strip-debug "$engine" "$out/engine.nodebug"
feed | valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$out/engine.nodebug" "${args[@]}" >/dev/null 2>"$out/callgrind.log" || true
grep -E "Collected" "$out/callgrind.log" || tail -3 "$out/callgrind.log"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind-version.out" "$out/engine.nodebug" --version \
    >/dev/null 2>"$out/callgrind-version.log" </dev/null || true
echo "--version alone (exec, loading, relocation, runtime start; no engine work): $(grep -o 'Collected : [0-9]*' "$out/callgrind-version.log")"
if command -v perf >/dev/null; then
    echo "--version, 30 runs (perf stat):"
    perf stat -r 30 -e task-clock,page-faults "$engine" --version 2>&1 >/dev/null </dev/null \
        | grep -E "task-clock|page-faults|elapsed" || true
fi
demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }
if command -v callgrind_annotate >/dev/null; then
    callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | sed -n '1,200p' \
        | grep -E "^ *[0-9,]+ \(" | head -40 | demangle > "$out/callgrind-top.txt" || true
    callgrind_annotate "$out/callgrind.out" 2>/dev/null | grep -E "^ *[0-9,]+ \(" | head -25 | demangle > "$out/callgrind-self.txt" || true
    echo "-- inclusive (top 40)"; cut -c1-180 "$out/callgrind-top.txt"
    echo "-- self, by function (top 25)"; cut -c1-180 "$out/callgrind-self.txt"
fi

echo; echo "== resident memory 2 s after the start, by mapping (/proc/PID/smaps)"
sleep 3 | "$engine" "${args[@]}" >/dev/null 2>>"$out/stderr" &
pid=$!
sleep 2
cp "/proc/$pid/smaps" "$out/smaps.txt"
grep -E "^(VmRSS|RssAnon|RssFile|VmHWM|Threads)" "/proc/$pid/status"
wait || true
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6); next }
    /^Rss:/ { rss[name] += $2 }
    /^Private_Dirty:/ { dirty[name] += $2 }
    END { for (n in rss) if (rss[n] > 0) printf "%8d kB  (%6d kB private dirty)  %s\n", rss[n], dirty[n], n }
' "$out/smaps.txt" | sort -rn | head -25

echo; echo "raw files in $out"
