#!/usr/bin/env bash
# The engine as it ships: release, the Swift runtime and Foundation linked statically, and
# the code laid out so that what start-up runs sits together (docs/PERFORMANCE.md, "Code
# layout"). Prints the path of the binary. Extra arguments go to `swift build`.
#
#   scripts/build-engine-release.sh [--product variance-media]
#
# - --static-swift-stdlib: no dynamic symbol binding for the Swift runtime and Foundation
#   (about 4 ms of every start).
# - Every function in its own section (-function-sections for Swift, which must reach the
#   frontend through -Xfrontend: as a driver flag SwiftPM's second build of the same folder
#   crashes on it; -ffunction-sections for C), so that the linker can move functions one by
#   one, and drop the unused ones.
# - lld, for two things gold does not do: packed relative relocations (-z
#   pack-relative-relocs: the 2.9 MB .rela.dyn table that the loader reads at every start
#   becomes 23 KB of .relr.dyn; glibc 2.36 reads it) and --symbol-ordering-file: the
#   functions in scripts/link/variance-engine.order (what start-up and an idle wait run,
#   from scripts/link/gen-order-file.sh) go first, so they share few pages; code that runs
#   then and has no symbol of its own (LLVM's private functions) is named by object and
#   section in scripts/link/variance-engine-unnamed.lds, a linker-script fragment that puts
#   it in an output section just before .text.
# - --no-export-dynamic: the toolchain's static-stdlib-args.lnk links every statically linked
#   Swift executable with -export-dynamic, which puts every symbol (45,000) in the dynamic
#   symbol table; the loader then searches that table for
#   each symbol the shared libraries bind, and 2.5 MiB of it became resident at start.
#   Nothing looks our symbols up at run time (no dlopen plug-ins), so the table keeps only
#   what the libraries need, and unused exported functions can be dropped.
# - libstdc++ linked statically (in the engine the Swift runtime is its only user): the shared
#   library cost 1.4 MiB resident, 0.6 MiB of it its own symbol tables read while the loader
#   bound its symbols. The toolchain's link line asks for -lstdc++; a linker script named
#   libstdc++.so in a folder searched first answers with the static archive (SQLite,
#   libsodium and libgcc_s's unwinder likewise, below).
# These flags change every compile command, hence their own scratch folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$PATH:/opt/swift/usr/bin"

product=variance-engine
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    [ "${args[i]}" = --product ] && product="${args[i + 1]}"
done
[ ${#args[@]} -eq 0 ] && args=(--product variance-engine)

# SQLite and libsodium linked statically as well: the shared SQLite held 1.2 MiB resident
# (its code touched across it, its symbol tables read while the loader bound ours); the
# archives' objects join the engine's code and the layout lists. The toolchain finds -lsqlite3
# (autolinked by GRDB) in the first folder searched, and the pkg-config files of the system
# libraries put /usr/lib/x86_64-linux-gnu first; copies without their -L let the folder of
# linker scripts below come first.
pkgconfig="$root/.build-static/pkgconfig"
mkdir -p "$pkgconfig" "$root/.build-static/link"
for name in libsodium libqrencode sqlite3; do
    pc="$(pkg-config --variable=pcfiledir "$name" 2>/dev/null)/$name.pc"
    if [ -f "$pc" ]; then sed -E 's/^(Libs:.*)-L\$\{libdir\} */\1/' "$pc" >"$pkgconfig/$name.pc"; fi
done
export PKG_CONFIG_PATH="$pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# link_statically NAME ARCHIVE: -lNAME finds a linker script in .build-static/link that
# answers with the static archive (or the shared library stays, if there is no archive).
link_statically() {
    if [ -f "$2" ]; then
        echo "INPUT($2)" >"$root/.build-static/link/lib$1.so"
    else
        rm -f "$root/.build-static/link/lib$1.so"
        echo "build-engine-release: no $2; linking lib$1 dynamically" >&2
    fi
}
link_statically sqlite3 /usr/lib/x86_64-linux-gnu/libsqlite3.a
link_statically sodium /usr/lib/x86_64-linux-gnu/libsodium.a
link_statically stdc++ "$(clang++ -print-file-name=libstdc++.a 2>/dev/null || true)"
# (-lgcc_s: the unwinder, which libstdc++ needs, from libgcc_eh.a as -static-libgcc would.)
link_statically gcc_s "$(clang++ -print-file-name=libgcc_eh.a 2>/dev/null || true)"

# (The same flags for every product, so that building one does not relink the other.)
link_extra=(-Xlinker "-L$root/.build-static/link")

swift build -c release --static-swift-stdlib --scratch-path .build-static \
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections \
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
    -Xlinker "--symbol-ordering-file=$root/scripts/link/variance-engine.order" \
    -Xlinker --no-warn-symbol-ordering -Xlinker "$root/scripts/link/variance-engine-unnamed.lds" \
    -Xlinker --no-export-dynamic \
    "${link_extra[@]}" "${args[@]}" >&2
echo "$root/.build-static/release/$product"
