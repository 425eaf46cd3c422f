#!/usr/bin/env bash
# variance-send.sh: send a direct message and, with -w, wait for the reply.
#
#   variance-send.sh [-d DATA_DIR] [-e ENGINE] [-a ENGINE_ARG]... [-m MULTIADDR] [-w SECONDS] DID TEXT
#
#   -d DATA_DIR   the engine's data directory (default: $VARIANCE_DATA_DIR, else the engine's)
#   -e ENGINE     the engine binary (default: $VARIANCE_ENGINE, else .build/debug/variance-engine
#                 of this checkout, else variance-engine on PATH)
#   -a ENGINE_ARG one more argument for the engine, repeatable
#   -m MULTIADDR  where DID's node listens: add DID as a contact from there first (contacts.add)
#   -w SECONDS    then wait up to SECONDS for a message from DID, and print it
#
# Prints the messages.send result ({"id","status"}) and, with -w, the reply's message object
# ({"id","from","text",...}), each as one JSON line. A passphrase-protected identity is
# unlocked with $VARIANCE_PASSPHRASE.
# Exit status: 0; 1 on an error response (the error object on standard error) or no reply
# within -w; 2 on a usage error; 3 if the engine failed or did not answer.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/variance-lib.sh"

usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
die() { echo "variance-send.sh: $2" >&2; exit "$1"; }

data_dir="${VARIANCE_DATA_DIR:-}"
engine_args=()
multiaddr=
wait_for=
while getopts 'd:e:a:m:w:h' opt; do
  case "$opt" in
    d) data_dir="$OPTARG" ;;
    e) VARIANCE_ENGINE="$OPTARG" ;;
    a) engine_args+=("$OPTARG") ;;
    m) multiaddr="$OPTARG" ;;
    w) wait_for="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
peer="$1"
text="$2"
[ -z "$wait_for" ] || [[ "$wait_for" =~ ^[0-9]+$ ]] || die 2 "-w wants seconds, not '$wait_for'"
[ -n "$data_dir" ] && engine_args=(--data-dir "$data_dir" "${engine_args[@]}")

variance_start "${engine_args[@]}" || exit 3
trap 'variance_stop' EXIT

call_or_die() {
  variance_call "$@" && return 0
  if [ -n "$VARIANCE_ERROR" ]; then printf '%s\n' "$VARIANCE_ERROR" >&2; exit 1; fi
  exit 3
}

if [ "$(jq -r .identity <<<"$VARIANCE_READY")" = locked ]; then
  [ -n "${VARIANCE_PASSPHRASE:-}" ] || die 2 "the identity is locked: set VARIANCE_PASSPHRASE"
  call_or_die identity.unlock "$(jq -cn --arg p "$VARIANCE_PASSPHRASE" '{passphrase: $p}')"
fi
if [ -n "$multiaddr" ]; then
  call_or_die contacts.add "$(jq -cn --arg d "$peer" --arg m "$multiaddr" '{did: $d, multiaddr: $m}')"
fi
# Where the events stand before sending: the reply comes after.
call_or_die events.replay '{"after": 9007199254740991, "limit": 1}'
before="$(jq -r .last <<<"$VARIANCE_RESULT")"
call_or_die messages.send "$(jq -cn --arg d "$peer" --arg t "$text" '{conversation: $d, text: $t}')"
printf '%s\n' "$VARIANCE_RESULT"
[ -n "$wait_for" ] || exit 0

deadline=$((SECONDS + wait_for))
variance_follow "$before" || exit 3
while :; do
  remaining=$((deadline - SECONDS))
  [ "$remaining" -gt 0 ] || die 1 "no message from $peer within ${wait_for}s"
  variance_follow_next "$remaining"
  case $? in
    0) ;;
    1) die 1 "no message from $peer within ${wait_for}s" ;;
    2) die 3 "the engine exited" ;;
    *) exit 3 ;;
  esac
  reply="$(jq -c --arg d "$peer" 'select(.method == "message.received" and .params.message.from == $d)
    | .params.message' <<<"$VARIANCE_EVENT")"
  if [ -n "$reply" ]; then printf '%s\n' "$reply"; exit 0; fi
done
