#!/usr/bin/env bash
# variance-call.sh: start a variance-engine, make one JSON-RPC call, print its result.
#
#   variance-call.sh [-d DATA_DIR] [-e ENGINE] [-a ENGINE_ARG]... [-c] [-p] [-t SECONDS] METHOD [JSON_PARAMS]
#
#   -d DATA_DIR   the engine's data directory (default: $VARIANCE_DATA_DIR, else the engine's
#                 own default, $XDG_DATA_HOME/variance)
#   -e ENGINE     the engine binary (default: $VARIANCE_ENGINE, else .build/debug/variance-engine
#                 of this checkout, else variance-engine on PATH)
#   -a ENGINE_ARG one more argument for the engine, repeatable (-a --listen -a /ip4/0.0.0.0/tcp/0)
#   -c            print the result on one line (default: indented)
#   -t SECONDS    how long to wait for engine.ready and for the answer (default: 60)
#   -p            unlock a passphrase-protected identity first, with $VARIANCE_PASSPHRASE
#
# Examples:
#   variance-call.sh -d /tmp/alice identity.create '{"username": "alice"}'
#   variance-call.sh -d /tmp/alice -c identity.show | jq -r .did
#   VARIANCE_PASSPHRASE=secret variance-call.sh -d /tmp/bob -p node.status
#
# The result goes to standard output. Exit status: 0 on a result; 1 on an error response
# (the error object, {code, message, data?}, goes to standard error as JSON); 2 on a usage
# error; 3 if the engine failed to start, exited or did not answer in time.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/variance-lib.sh"

usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

data_dir="${VARIANCE_DATA_DIR:-}"
compact=
unlock=
engine_args=()
while getopts 'd:e:a:ct:ph' opt; do
  case "$opt" in
    d) data_dir="$OPTARG" ;;
    e) VARIANCE_ENGINE="$OPTARG" ;;
    a) engine_args+=("$OPTARG") ;;
    c) compact=1 ;;
    t) VARIANCE_TIMEOUT="$OPTARG" ;;
    p) unlock=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
method="$1"
params="${2:-}"
if [ -n "$params" ] && ! jq -e 'type == "object"' <<<"$params" >/dev/null 2>&1; then
  echo "variance-call.sh: params must be a JSON object: $params" >&2
  exit 2
fi
[ -n "$data_dir" ] && engine_args=(--data-dir "$data_dir" "${engine_args[@]}")

variance_start "${engine_args[@]}" || exit 3
trap 'variance_stop' EXIT

if [ -n "$unlock" ] && [ "$(jq -r .identity <<<"$VARIANCE_READY")" = locked ]; then
  if [ -z "${VARIANCE_PASSPHRASE:-}" ]; then
    echo "variance-call.sh: the identity is locked and VARIANCE_PASSPHRASE is not set" >&2
    exit 2
  fi
  if ! variance_call identity.unlock "$(jq -cn --arg p "$VARIANCE_PASSPHRASE" '{passphrase: $p}')"; then
    [ -n "$VARIANCE_ERROR" ] && printf '%s\n' "$VARIANCE_ERROR" >&2 && exit 1
    exit 3
  fi
fi

variance_call "$method" "$params"
case $? in
  0) if [ -n "$compact" ]; then printf '%s\n' "$VARIANCE_RESULT"; else jq . <<<"$VARIANCE_RESULT"; fi ;;
  1) printf '%s\n' "$VARIANCE_ERROR" >&2; exit 1 ;;
  *) exit 3 ;;
esac
