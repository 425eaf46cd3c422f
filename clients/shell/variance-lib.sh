# variance-lib.sh: drive a variance-engine from bash through a coprocess, with jq.
# Source it:   . clients/shell/variance-lib.sh
#
#   variance_start [ENGINE_ARGS...]       start the engine as a coprocess, wait for engine.ready
#                                         (its params land in VARIANCE_READY); returns 1 if it
#                                         sent engine.failed, exited or was not ready in time
#   variance_call METHOD [JSON_PARAMS]    one request; the result lands in VARIANCE_RESULT
#                                         (compact JSON); on an error response the error object
#                                         lands in VARIANCE_ERROR and it returns 1
#   variance_next_event [TIMEOUT]         the next notification, in VARIANCE_EVENT (compact
#                                         {"jsonrpc","method","params"}); returns 1 on timeout,
#                                         2 when the engine's output ended
#   variance_follow [AFTER]               start following the events after seq AFTER (0 if
#                                         omitted): those persisted first, then live ones
#   variance_follow_next [TIMEOUT]        the next of them in VARIANCE_EVENT, as
#                                         {"seq","method","params"} (events.replay's shape), in
#                                         seq order without gaps or repeats; VARIANCE_CURSOR is its
#                                         seq. Returns 1 on timeout, 2 when the output ended,
#                                         3 if events.replay failed
#   variance_last_seq                     the newest persisted seq, in VARIANCE_RESULT
#   variance_stop                         close the engine's input (it finishes and exits 0),
#                                         wait for it; returns its exit status
#
# Settings (environment): VARIANCE_ENGINE (default: .build/debug/variance-engine of this
# checkout if built, else variance-engine on PATH), VARIANCE_TIMEOUT (seconds to wait for an
# answer or for engine.ready; default 60), VARIANCE_ENGINE_STDERR (file for the engine's
# log; default: our standard error).
#
# Notifications that arrive while variance_call waits for its answer are queued and handed
# out by variance_next_event in order, so none is lost. State lives in shell variables: call
# these functions in the current shell, not inside $( ... ) (a subshell's queue and request
# ids would be lost); read VARIANCE_RESULT instead.

VARIANCE_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${VARIANCE_TIMEOUT:=60}"
VARIANCE_NEXT_ID=1
VARIANCE_QUEUE=()
VARIANCE_PID=
VARIANCE_IN=
VARIANCE_OUT=
VARIANCE_CURSOR=0
VARIANCE_BACKLOG=()

variance_default_engine() {
  local built="$VARIANCE_LIB_DIR/../../.build/debug/variance-engine"
  if [ -n "${VARIANCE_ENGINE:-}" ]; then
    printf '%s\n' "$VARIANCE_ENGINE"
  elif [ -x "$built" ]; then
    printf '%s\n' "$(cd "$(dirname "$built")" && pwd)/variance-engine"
  else
    printf '%s\n' variance-engine
  fi
}

variance_start() {
  local engine line method
  engine="$(variance_default_engine)"
  if [ -n "${VARIANCE_PID:-}" ]; then
    echo "variance_start: an engine is already running (pid $VARIANCE_PID)" >&2
    return 1
  fi
  if ! command -v "$engine" >/dev/null 2>&1; then
    echo "variance_start: no engine at '$engine' (set VARIANCE_ENGINE)" >&2
    return 1
  fi
  # The engine runs in its own process group (setsid) so a Ctrl-C meant for the script does
  # not kill it mid-write; the script closes its input instead (variance_stop).
  if [ -n "${VARIANCE_ENGINE_STDERR:-}" ]; then
    coproc VARIANCE_COPROC { exec setsid -w "$engine" "$@" 2>>"$VARIANCE_ENGINE_STDERR"; }
  else
    coproc VARIANCE_COPROC { exec setsid -w "$engine" "$@"; }
  fi
  VARIANCE_PID=$VARIANCE_COPROC_PID
  # Copy the coprocess' descriptors to ordinary ones, which survive in subshells too.
  exec {VARIANCE_OUT}<&"${VARIANCE_COPROC[0]}" {VARIANCE_IN}>&"${VARIANCE_COPROC[1]}"
  eval "exec ${VARIANCE_COPROC[0]}<&- ${VARIANCE_COPROC[1]}>&-"
  VARIANCE_NEXT_ID=1
  VARIANCE_QUEUE=()
  local status
  IFS= read -r -t "$VARIANCE_TIMEOUT" -u "$VARIANCE_OUT" line
  status=$?
  if [ $status -gt 128 ]; then
    echo "variance_start: $engine sent no engine.ready within ${VARIANCE_TIMEOUT}s" >&2
    variance_stop >/dev/null 2>&1
    return 1
  elif [ $status -ne 0 ]; then
    variance_stop >/dev/null 2>&1
    echo "variance_start: $engine exited before engine.ready (exit status $?)" >&2
    return 1
  fi
  method="$(jq -r '.method? // empty' <<<"$line" 2>/dev/null)"
  if [ "$method" = engine.ready ]; then
    VARIANCE_READY="$(jq -c '.params' <<<"$line")"
    return 0
  fi
  if [ "$method" = engine.failed ]; then
    echo "variance_start: engine.failed: $(jq -r '.params.reason' <<<"$line")" >&2
  else
    echo "variance_start: expected engine.ready, got: ${line:0:200}" >&2
  fi
  variance_stop >/dev/null 2>&1
  return 1
}

# variance_read_frame: one frame from the engine into VARIANCE_FRAME.
# Returns 1 on timeout (seconds in $1), 2 when the output ended.
variance_read_frame() {
  local timeout="${1:-$VARIANCE_TIMEOUT}" status
  IFS= read -r -t "$timeout" -u "$VARIANCE_OUT" VARIANCE_FRAME
  status=$?
  if [ $status -eq 0 ]; then return 0; fi
  if [ $status -gt 128 ]; then return 1; fi  # timed out
  return 2
}

variance_call() {
  local method="$1" params="${2:-}" id request kind deadline remaining
  if [ -z "${VARIANCE_PID:-}" ]; then
    echo "variance_call: no engine (variance_start first)" >&2
    return 2
  fi
  id=$VARIANCE_NEXT_ID
  VARIANCE_NEXT_ID=$((VARIANCE_NEXT_ID + 1))
  if [ -n "$params" ]; then
    request="$(jq -cn --arg m "$method" --argjson id "$id" --argjson p "$params" \
      '{jsonrpc: "2.0", id: $id, method: $m, params: $p}')" || {
      echo "variance_call: params are not JSON: $params" >&2
      return 2
    }
  else
    request="$(jq -cn --arg m "$method" --argjson id "$id" '{jsonrpc: "2.0", id: $id, method: $m}')"
  fi
  VARIANCE_RESULT=
  VARIANCE_ERROR=
  printf '%s\n' "$request" >&"$VARIANCE_IN" || {
    echo "variance_call: the engine's input is closed" >&2
    return 2
  }
  deadline=$((SECONDS + VARIANCE_TIMEOUT))
  while :; do
    remaining=$((deadline - SECONDS))
    [ "$remaining" -gt 0 ] || remaining=1
    variance_read_frame "$remaining"
    case $? in
      1) echo "variance_call: $method: no answer within ${VARIANCE_TIMEOUT}s" >&2; return 2 ;;
      2) echo "variance_call: $method: the engine exited before answering" >&2; return 2 ;;
    esac
    # kind: "result", "error", "event" or "other" (someone else's answer).
    kind="$(jq -r --argjson id "$id" '
      if type != "object" then "other"
      elif has("id") and .id == $id then (if has("error") then "error" else "result" end)
      elif has("method") and (has("id") | not) then "event"
      else "other" end' <<<"$VARIANCE_FRAME")"
    case "$kind" in
      result) VARIANCE_RESULT="$(jq -c '.result' <<<"$VARIANCE_FRAME")"; return 0 ;;
      error) VARIANCE_ERROR="$(jq -c '.error' <<<"$VARIANCE_FRAME")"; return 1 ;;
      event) VARIANCE_QUEUE+=("$VARIANCE_FRAME") ;;
    esac
  done
}

variance_next_event() {
  local timeout="${1:-$VARIANCE_TIMEOUT}"
  VARIANCE_EVENT=
  if [ ${#VARIANCE_QUEUE[@]} -gt 0 ]; then
    VARIANCE_EVENT="${VARIANCE_QUEUE[0]}"
    VARIANCE_QUEUE=("${VARIANCE_QUEUE[@]:1}")
    return 0
  fi
  while :; do
    variance_read_frame "$timeout" || return $?
    if jq -e 'type == "object" and has("method") and (has("id") | not)' <<<"$VARIANCE_FRAME" >/dev/null; then
      VARIANCE_EVENT="$(jq -c . <<<"$VARIANCE_FRAME")"
      return 0
    fi
  done
}

variance_last_seq() {
  variance_call events.replay '{"after": 9007199254740991, "limit": 1}' || return $?
  VARIANCE_RESULT="$(jq -r .last <<<"$VARIANCE_RESULT")"
}

variance_follow() {
  VARIANCE_CURSOR="${1:-0}"
  VARIANCE_BACKLOG=()
  # Nothing can be replayed while the identity is absent or locked; variance_follow_next
  # then fills the gap as soon as a live event (e.g. the unlock's identity.changed) shows it.
  variance_backlog_fill || [ $? -eq 1 ]
}

# variance_backlog_fill [MAX]: append the persisted events after the cursor (or after the
# backlog's last) up to seq MAX to VARIANCE_BACKLOG. Returns 1 if the engine cannot replay
# now (no identity, or locked), 2 if a call failed otherwise.
variance_backlog_fill() {
  local max="${1:-}" after="$VARIANCE_CURSOR" events event last seq
  if [ ${#VARIANCE_BACKLOG[@]} -gt 0 ]; then
    after="$(jq -r .seq <<<"${VARIANCE_BACKLOG[-1]}")"
  fi
  while :; do
    if ! variance_call events.replay "{\"after\":$after,\"limit\":1000}"; then
      [ -n "$VARIANCE_ERROR" ] && [ "$(jq -r .code <<<"$VARIANCE_ERROR")" = -32001 ] && return 1
      echo "variance_follow: events.replay failed: ${VARIANCE_ERROR:-no answer}" >&2
      return 2
    fi
    mapfile -t events < <(jq -c --argjson after "$after" '.events[] | select(.seq > $after)' \
      <<<"$VARIANCE_RESULT")
    last="$(jq -r .last <<<"$VARIANCE_RESULT")"
    [ ${#events[@]} -gt 0 ] || return 0
    for event in "${events[@]}"; do
      seq="$(jq -r .seq <<<"$event")"
      if [ -n "$max" ] && [ "$seq" -gt "$max" ]; then return 0; fi
      VARIANCE_BACKLOG+=("$event")
      after="$seq"
    done
    [ "$after" -lt "$last" ] || return 0
  done
}

variance_follow_next() {
  local timeout="${1:-$VARIANCE_TIMEOUT}" event seq status
  while :; do
    while [ ${#VARIANCE_BACKLOG[@]} -gt 0 ]; do
      event="${VARIANCE_BACKLOG[0]}"
      VARIANCE_BACKLOG=("${VARIANCE_BACKLOG[@]:1}")
      seq="$(jq -r .seq <<<"$event")"
      if [ "$seq" -gt "$VARIANCE_CURSOR" ]; then
        VARIANCE_CURSOR="$seq"
        VARIANCE_EVENT="$event"
        return 0
      fi
    done
    variance_next_event "$timeout" || return $?
    event="$(jq -c '{seq: .params.seq, method, params}' <<<"$VARIANCE_EVENT")"
    seq="$(jq -r '.seq // empty' <<<"$event")"
    if [ -z "$seq" ]; then VARIANCE_EVENT="$event"; return 0; fi   # engine.ready/failed
    [ "$seq" -gt "$VARIANCE_CURSOR" ] || continue      # already handed out (replay overlap)
    if [ "$seq" -gt $((VARIANCE_CURSOR + 1)) ]; then
      # A gap: events persisted while we could not replay, or not pushed because of
      # events.subscribe. The replay brings them, in order, before this one.
      variance_backlog_fill "$seq"
      status=$?
      [ $status -ne 2 ] || return 3
    fi
    if [ ${#VARIANCE_BACKLOG[@]} -eq 0 ] || [ "$(jq -r .seq <<<"${VARIANCE_BACKLOG[-1]}")" -lt "$seq" ]; then
      VARIANCE_BACKLOG+=("$event")
    fi
  done
}

variance_stop() {
  local status=0
  [ -n "${VARIANCE_PID:-}" ] || return 0
  if [ -n "${VARIANCE_IN:-}" ]; then exec {VARIANCE_IN}>&-; fi
  VARIANCE_IN=
  # Drain what the engine still writes, so it never blocks on a full pipe while exiting;
  # one that has not exited within VARIANCE_TIMEOUT is killed.
  if [ -n "${VARIANCE_OUT:-}" ]; then
    if ! timeout "$VARIANCE_TIMEOUT" cat <&"$VARIANCE_OUT" >/dev/null 2>&1; then
      echo "variance_stop: the engine did not exit within ${VARIANCE_TIMEOUT}s; killing it" >&2
      kill -KILL "$VARIANCE_PID" 2>/dev/null || true
    fi
    exec {VARIANCE_OUT}<&-
  fi
  VARIANCE_OUT=
  wait "$VARIANCE_PID" 2>/dev/null || status=$?
  VARIANCE_PID=
  return $status
}
