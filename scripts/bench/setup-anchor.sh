#!/usr/bin/env bash
# Installs the benchmark's anchor, deltachat-rpc-server, into the bench virtualenv and prints
# the path of its ELF binary (the real server, not the Python wrapper). Idempotent: a second
# run with the right version installed only prints the path.
#
#   scripts/bench/setup-anchor.sh            # prints e.g. .venv-bench/lib/.../deltachat-rpc-server
#
# Environment: VENV (default .venv-bench in the repository root), ANCHOR_VERSION (2.65.0),
# PYTHON (python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-$root/.venv-bench}"
version="${ANCHOR_VERSION:-2.65.0}"
python="${PYTHON:-python3}"
path_file="$venv/anchor-path"

installed_version() {
    "$venv/bin/python" -m pip show deltachat-rpc-server 2>/dev/null | sed -n 's/^Version: //p'
}

find_elf() {
    # The wheel ships the binary inside the package directory; the console script in bin/ is
    # a Python wrapper. Pick the regular file that starts with the ELF magic.
    local f
    while IFS= read -r f; do
        if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "177ELF" ]; then
            echo "$f"
            return 0
        fi
    done < <(find "$venv/lib" -path '*deltachat_rpc_server*' -type f -name 'deltachat-rpc-server*' 2>/dev/null)
    return 1
}

if [ ! -x "$venv/bin/python" ]; then
    echo "setup-anchor: creating $venv" >&2
    "$python" -m venv "$venv" >&2
fi
if [ "$(installed_version)" != "$version" ]; then
    echo "setup-anchor: pip install deltachat-rpc-server==$version" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "deltachat-rpc-server==$version" >&2
fi

elf="$(find_elf)" || { echo "setup-anchor: no ELF deltachat-rpc-server found under $venv/lib" >&2; exit 1; }
chmod +x "$elf"
echo "$elf" > "$path_file"
echo "$elf"
