#!/usr/bin/env bash
# make demo: two engines, each with its own data directory, driven over JSON-RPC.
# Shows every line sent (→) and received (←). Until direct messages exist, it shows the
# identity flow; the messaging issue extends it to a real conversation.
set -euo pipefail
engine=${1:-.build/debug/variance-engine}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec python3 "$(dirname "$0")/demo.py" "$engine" "$work"
