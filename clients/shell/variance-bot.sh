#!/usr/bin/env bash
# variance-bot.sh: a tiny echo bot. It answers each direct message with "echo: TEXT".
#
#   variance-bot.sh [-d DATA_DIR] [-e ENGINE] [-a ENGINE_ARG]... [-u USERNAME] [-f SEQ_FILE] [-N]
#
#   -d DATA_DIR   the engine's data directory (default: $VARIANCE_DATA_DIR, else the engine's)
#   -e ENGINE     the engine binary (default: $VARIANCE_ENGINE, else .build/debug/variance-engine
#                 of this checkout, else variance-engine on PATH)
#   -a ENGINE_ARG one more argument for the engine, repeatable (-a --listen -a /ip4/0.0.0.0/tcp/4001)
#   -u USERNAME   the username of the identity it creates when the data directory has none
#   -f SEQ_FILE   where it keeps the seq of the last event handled (default:
#                 DATA_DIR/variance-bot.seq): a restarted bot answers what came meanwhile,
#                 and nothing twice
#   -N            start the network node and print "listening on MULTIADDR" to standard error
#
# Each event it handles is printed as a JSON line ({"seq","method","params"}); each answer as
# "answered ID with ID (STATUS)" on standard error. It answers neither itself nor texts that
# already start with "echo: " (two bots do not talk forever). A passphrase-protected identity
# is unlocked with $VARIANCE_PASSPHRASE. Ctrl-C or SIGTERM stop it cleanly (exit 0).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/variance-lib.sh"

usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
die() { echo "variance-bot.sh: $2" >&2; exit "$1"; }

data_dir="${VARIANCE_DATA_DIR:-}"
engine_args=()
username=
seq_file=
start_node=
while getopts 'd:e:a:u:f:Nh' opt; do
  case "$opt" in
    d) data_dir="$OPTARG" ;;
    e) VARIANCE_ENGINE="$OPTARG" ;;
    a) engine_args+=("$OPTARG") ;;
    u) username="$OPTARG" ;;
    f) seq_file="$OPTARG" ;;
    N) start_node=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
if [ -n "$data_dir" ]; then
  engine_args=(--data-dir "$data_dir" "${engine_args[@]}")
  : "${seq_file:=$data_dir/variance-bot.seq}"
fi

variance_start "${engine_args[@]}" || exit 3
trap 'variance_stop' EXIT
trap 'exit 0' INT TERM

call_or_die() {
  variance_call "$@" && return 0
  die 3 "$1: $(jq -r '.message' <<<"${VARIANCE_ERROR:-{\"message\":\"no answer\"\}}")"
}

case "$(jq -r .identity <<<"$VARIANCE_READY")" in
  none)
    call_or_die identity.create "$(jq -cn --arg u "$username" 'if $u == "" then {} else {username: $u} end')"
    echo "variance-bot.sh: created $(jq -r .did <<<"$VARIANCE_RESULT")" >&2 ;;
  locked)
    [ -n "${VARIANCE_PASSPHRASE:-}" ] || die 2 "the identity is locked: set VARIANCE_PASSPHRASE"
    call_or_die identity.unlock "$(jq -cn --arg p "$VARIANCE_PASSPHRASE" '{passphrase: $p}')" ;;
esac
call_or_die identity.show
me="$(jq -r .did <<<"$VARIANCE_RESULT")"
if [ -n "$start_node" ]; then
  call_or_die node.status
  jq -r '.peerId as $p | .listenAddrs[] | "variance-bot.sh: listening on \(.)/p2p/\($p)"' \
    <<<"$VARIANCE_RESULT" >&2
fi

after=0
if [ -n "$seq_file" ] && [ -s "$seq_file" ]; then after="$(tr -dc 0-9 <"$seq_file")"; fi
variance_follow "${after:-0}" || exit 3
while :; do
  variance_follow_next 86400
  case $? in
    0) ;;
    1) continue ;;
    2) exit 0 ;;
    *) exit 3 ;;
  esac
  printf '%s\n' "$VARIANCE_EVENT"
  if [ "$(jq -r .method <<<"$VARIANCE_EVENT")" = message.received ]; then
    # {conversation, text, replyTo} of the answer, or nothing if this one needs none.
    reply="$(jq -c --arg me "$me" '.params as $p | $p.message as $m
      | select($m.from != $me and ($m.text | startswith("echo: ") | not))
      | {conversation: $p.conversation, text: ("echo: " + $m.text), replyTo: $m.id}' <<<"$VARIANCE_EVENT")"
    if [ -n "$reply" ]; then
      if variance_call messages.send "$reply"; then
        echo "variance-bot.sh: answered $(jq -r .replyTo <<<"$reply") with $(jq -r '"\(.id) (\(.status))"' <<<"$VARIANCE_RESULT")" >&2
      else
        echo "variance-bot.sh: messages.send failed: ${VARIANCE_ERROR:-no answer}" >&2
      fi
    fi
  fi
  [ -z "$seq_file" ] || printf '%s\n' "$VARIANCE_CURSOR" >"$seq_file"
done
