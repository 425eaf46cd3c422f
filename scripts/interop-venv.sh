#!/usr/bin/env bash
# Creates or updates .venv-interop, the virtualenv of the Python interop peers
# (py-libp2p 0.8.1, see Tests/Interop/requirements.txt), idempotently:
#   - checks the Debian packages the sdists need (build-essential, libgmp-dev; libolm-dev for
#     python-olm): installs them
#     as root, otherwise prints the apt-get command and fails;
#   - python3 -m venv .venv-interop (if missing or broken);
#   - pip install -r Tests/Interop/requirements.txt, skipped when the requirements have not
#     changed since the last successful install (a stamp in the venv).
# Usage: scripts/interop-venv.sh        (from anywhere; PYTHON=... picks the interpreter)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-interop"
requirements="$root/Tests/Interop/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

# 1. Debian packages for the sdists libp2p and python-olm build.
missing=""
for p in build-essential libgmp-dev libolm-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "interop-venv: installing:$missing"
    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  else
    echo "interop-venv: missing Debian packages. Run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

# 2. An interpreter that libp2p 0.8.1 supports (>= 3.10).
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "interop-venv: $python is missing or older than 3.10; set PYTHON=/path/to/python3.10+" >&2
  exit 1
fi

# 3. The virtualenv (made again if its interpreter is gone, e.g. after a Python upgrade).
if [ -d "$venv" ] && ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "interop-venv: $venv is broken; making it again"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "interop-venv: creating $venv"
  if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    echo "interop-venv: '$python -m venv' failed; on Debian's python3: apt-get install -y python3-venv" >&2
    exit 1
  fi
fi

# 4. The pinned packages, unless already installed from these very requirements.
want="$(sha256sum "$requirements" | cut -d' ' -f1) $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c 'import libp2p, trio' 2>/dev/null; then
  echo "interop-venv: $venv is up to date"
  exit 0
fi
echo "interop-venv: installing $(grep -c '==' "$requirements") pinned packages into $venv"
rm -f "$stamp"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements"
"$venv/bin/python" -c 'import libp2p, trio; from importlib.metadata import version; print("interop-venv: libp2p", version("libp2p"))'
echo "$want" > "$stamp"
