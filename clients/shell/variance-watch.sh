#!/usr/bin/env bash
# variance-watch.sh: start a variance-engine and print its events, one JSON line each:
# first those persisted after a seq (events.replay), then live ones, without gaps or repeats.
#
#   variance-watch.sh [-d DATA_DIR] [-e ENGINE] [-a ENGINE_ARG]... [-s SEQ | -f SEQ_FILE]
#                     [-k KINDS] [-u JQ_FILTER] [-n COUNT] [-t SECONDS] [-N]
#
#   -d DATA_DIR   the engine's data directory (default: $VARIANCE_DATA_DIR, else the engine's)
#   -e ENGINE     the engine binary (default: $VARIANCE_ENGINE, else .build/debug/variance-engine
#                 of this checkout, else variance-engine on PATH)
#   -a ENGINE_ARG one more argument for the engine, repeatable (-a --listen -a /ip4/0.0.0.0/tcp/4001)
#   -s SEQ        print the events after SEQ (default 0: every persisted event)
#   -f SEQ_FILE   resume after the seq stored in SEQ_FILE (if it exists), and store there the
#                 seq of each event printed: run it again and it goes on where it stopped
#   -k KINDS      only these notifications, comma-separated (e.g. identity.changed,node.status)
#   -u JQ_FILTER  stop after the first printed event for which the jq filter is true
#                 (e.g. '.method == "node.status" and .params.connectedPeers > 0')
#   -n COUNT      stop after COUNT events
#   -t SECONDS    give up after SECONDS in all (exit status 1); default: no limit
#   -N            start the network node (node.status) and print "listening on MULTIADDR"
#                 lines to standard error, so others can node.connect to it
#
# A passphrase-protected identity is unlocked with $VARIANCE_PASSPHRASE. Each line is
# {"seq": N, "method": "...", "params": {...}}, the shape of events.replay's events. It runs
# until -u or -n is satisfied, the engine exits, or it is interrupted (Ctrl-C, SIGTERM),
# and then closes the engine's input so it exits cleanly.
#
# Examples:
#   variance-watch.sh -d /tmp/alice -f /tmp/alice.seq
#   variance-watch.sh -d /tmp/alice -k node.status -a --listen -a /ip4/127.0.0.1/tcp/4001 -N
#   variance-watch.sh -d /tmp/alice | jq -r 'select(.method == "identity.changed") | .params.did'
#
# Exit status: 0 when done (or interrupted); 1 on -t timeout; 2 on a usage error, no
# identity, or a locked identity without $VARIANCE_PASSPHRASE; 3 if the engine failed or an RPC failed.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/variance-lib.sh"

usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
die() { echo "variance-watch.sh: $2" >&2; exit "$1"; }

data_dir="${VARIANCE_DATA_DIR:-}"
engine_args=()
cursor=0
seq_file=
kinds=
until_filter=
max_count=0
limit=
start_node=
while getopts 'd:e:a:s:f:k:u:n:t:Nh' opt; do
  case "$opt" in
    d) data_dir="$OPTARG" ;;
    e) VARIANCE_ENGINE="$OPTARG" ;;
    a) engine_args+=("$OPTARG") ;;
    s) cursor="$OPTARG" ;;
    f) seq_file="$OPTARG" ;;
    k) kinds="$OPTARG" ;;
    u) until_filter="$OPTARG" ;;
    n) max_count="$OPTARG" ;;
    t) limit="$OPTARG" ;;
    N) start_node=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[[ "$cursor" =~ ^[0-9]+$ ]] || die 2 "-s wants a seq (a number), not '$cursor'"
[[ "$max_count" =~ ^[0-9]+$ ]] || die 2 "-n wants a number, not '$max_count'"
[ -z "$limit" ] || [[ "$limit" =~ ^[0-9]+$ ]] || die 2 "-t wants seconds, not '$limit'"
if [ -n "$until_filter" ] && ! jq -n "if false then ($until_filter) else empty end" >/dev/null 2>&1; then
  die 2 "-u: not a jq filter: $until_filter"
fi
if [ -n "$seq_file" ] && [ -s "$seq_file" ]; then
  cursor="$(tr -dc 0-9 <"$seq_file")"
  [ -n "$cursor" ] || die 2 "$seq_file holds no seq"
fi
kinds_json=null
if [ -n "$kinds" ]; then
  kinds_json="$(jq -cn --arg k "$kinds" '$k | split(",") | map(select(length > 0))')"
fi
[ -n "$data_dir" ] && engine_args=(--data-dir "$data_dir" "${engine_args[@]}")

deadline=
[ -n "$limit" ] && deadline=$((SECONDS + limit))
count=0
finished=

variance_start "${engine_args[@]}" || exit 3
trap 'variance_stop' EXIT
trap 'exit 0' INT TERM

call_or_die() {
  variance_call "$@" && return 0
  [ -n "$VARIANCE_ERROR" ] && die 3 "$1: $(jq -r '.message' <<<"$VARIANCE_ERROR")"
  exit 3
}

case "$(jq -r .identity <<<"$VARIANCE_READY")" in
  locked)
    [ -n "${VARIANCE_PASSPHRASE:-}" ] || die 2 "the identity is locked: set VARIANCE_PASSPHRASE"
    call_or_die identity.unlock "$(jq -cn --arg p "$VARIANCE_PASSPHRASE" '{passphrase: $p}')" ;;
  none)
    die 2 "there is no identity in this data directory yet: create one first (variance-call.sh identity.create)" ;;
esac
[ -n "$kinds" ] && call_or_die events.subscribe "{\"kinds\":$kinds_json}"
if [ -n "$start_node" ]; then
  call_or_die node.status
  jq -r '.peerId as $p | .listenAddrs[] | "variance-watch.sh: listening on \(.)/p2p/\($p)"' \
    <<<"$VARIANCE_RESULT" >&2
fi

# emit EVENT: print one {seq, method, params} event (if its kind is wanted); note its seq.
emit() {
  local event="$1"
  if [ -n "$seq_file" ] && [ -n "$VARIANCE_CURSOR" ]; then
    printf '%s\n' "$VARIANCE_CURSOR" >"$seq_file"
  fi
  if [ -n "$kinds" ] && ! jq -e --argjson k "$kinds_json" '.method as $m | $k | index([$m])' \
      <<<"$event" >/dev/null; then
    return 0
  fi
  printf '%s\n' "$event"
  count=$((count + 1))
  if [ "$max_count" -gt 0 ] && [ "$count" -ge "$max_count" ]; then finished=1; fi
  if [ -n "$until_filter" ] && jq -e "$until_filter" <<<"$event" >/dev/null 2>&1; then finished=1; fi
}

variance_follow "$cursor" || exit 3
while [ -z "$finished" ]; do
  wait_for=86400
  if [ -n "$deadline" ]; then
    wait_for=$((deadline - SECONDS))
    [ "$wait_for" -gt 0 ] || die 1 "nothing more within ${limit}s"
  fi
  variance_follow_next "$wait_for"
  case $? in
    0) emit "$VARIANCE_EVENT" ;;
    1) [ -n "$deadline" ] && die 1 "nothing more within ${limit}s" ;;
    2) exit 0 ;;  # the engine's output ended
    *) exit 3 ;;
  esac
done
exit 0
