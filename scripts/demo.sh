#!/usr/bin/env bash
# make demo: two engines, each with its own data directory, driven over JSON-RPC.
# Shows every line sent (→) and received (←): identities, a libp2p connection, Olm-encrypted
# messages both ways, and a restart that keeps the history.
set -euo pipefail
engine=${1:-.build/debug/variance-engine}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec python3 "$(dirname "$0")/demo.py" "$engine" "$work"
