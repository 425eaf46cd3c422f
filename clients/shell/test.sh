#!/usr/bin/env bash
# clients/shell/test.sh: the shell client's tests, against the real engine.
#
#   clients/shell/test.sh            (VARIANCE_ENGINE picks the binary; default: the
#                                     checkout's .build/debug/variance-engine)
#
# Prints "ok - NAME" or "not ok - NAME" (with what went wrong) per test, then a last line
# "N passed, M failed". Exit status 0 only if every test passed. Waits are on events and
# exits, each bounded (60 s), never on sleeps.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export VARIANCE_ENGINE="${VARIANCE_ENGINE:-$root/.build/debug/variance-engine}"
export VARIANCE_TIMEOUT=60
call="$here/variance-call.sh"
watch="$here/variance-watch.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/variance-shell-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
PASSPHRASE="correct horse battery staple"

if [ ! -x "$VARIANCE_ENGINE" ]; then
  echo "no engine at $VARIANCE_ENGINE: build it (swift build --product variance-engine) or set VARIANCE_ENGINE" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

fail() { echo "    $*" >&2; return 1; }
expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }

run_test() {
  local name="$1" log="$work/$1.log"
  if ( "$1" ) >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name"; sed 's/^/    /' "$log"
  fi
}

test_call_engine_info() {
  local out
  out="$("$call" -d "$work/info" -c engine.info)" || fail "exit status $?"
  expect_eq "$(jq -r .identity <<<"$out")" none identity || return 1
  expect_eq "$(jq -r .dataDir <<<"$out")" "$work/info" dataDir || return 1
  expect_eq "$(wc -l <<<"$out" | tr -d ' ')" 1 "lines with -c"
}

test_call_identity_create_then_show() {
  local created shown
  created="$("$call" -d "$work/alice" identity.create '{"username": "alice"}')" || fail "create: exit $?" || return 1
  [[ "$(jq -r .did <<<"$created")" == did:key:z6Mk* ]] || fail "no did in $created" || return 1
  expect_eq "$(jq '.mnemonic | length' <<<"$created")" 24 "mnemonic words" || return 1
  shown="$("$call" -d "$work/alice" -c identity.show)" || fail "show: exit $?" || return 1
  expect_eq "$(jq -r .did <<<"$shown")" "$(jq -r .did <<<"$created")" "did after restart" || return 1
  expect_eq "$(jq -r .username <<<"$shown")" alice username
}

test_call_errors_and_exit_status() {
  local status err
  "$call" -d "$work/errors" no.such.method >/dev/null 2>"$work/err.json"; status=$?
  expect_eq "$status" 1 "exit status of an error response" || return 1
  err="$(tail -n 1 "$work/err.json")"
  expect_eq "$(jq -r .code <<<"$err")" -32601 code || return 1
  [[ "$(jq -r .message <<<"$err")" == *no.such.method* ]] || fail "message: $err" || return 1
  "$call" -d "$work/errors" identity.show >/dev/null 2>"$work/err.json"; status=$?
  expect_eq "$status/$(jq -r .code "$work/err.json")" 1/-32001 "identity.show without identity" || return 1
  "$call" -d "$work/errors" identity.create '{"username": "NOT valid!"}' >/dev/null 2>"$work/err.json"; status=$?
  expect_eq "$status/$(jq -r .code "$work/err.json")/$(jq -r .data.field "$work/err.json")" \
    1/-32602/username "invalid params" || return 1
  "$call" -d "$work/errors" engine.info '[1, 2]' >/dev/null 2>&1; status=$?
  expect_eq "$status" 2 "params that are not an object" || return 1
  "$call" >/dev/null 2>&1; status=$?
  expect_eq "$status" 2 "no method"
}

test_call_passphrase_unlock() {
  local status out
  "$call" -d "$work/locked" identity.create "{\"passphrase\": \"$PASSPHRASE\"}" >/dev/null || fail "create" || return 1
  "$call" -d "$work/locked" identity.show >/dev/null 2>"$work/err.json"; status=$?
  expect_eq "$status/$(jq -r .code "$work/err.json")" 1/-32001 "locked" || return 1
  out="$(VARIANCE_PASSPHRASE="$PASSPHRASE" "$call" -d "$work/locked" -p -c identity.show)" || fail "unlock: exit $?" || return 1
  [[ "$(jq -r .did <<<"$out")" == did:key:* ]] || fail "show after unlock: $out"
}

test_call_engine_failed_is_exit_3() {
  local status
  printf 'listen: [[[\n' >"$work/bad.yaml"
  "$call" -d "$work/failed" -a --config -a "$work/bad.yaml" engine.info >/dev/null 2>"$work/failed.err"; status=$?
  expect_eq "$status" 3 "exit status" || return 1
  grep -q 'engine.failed' "$work/failed.err" || fail "no engine.failed reason: $(cat "$work/failed.err")"
}

test_call_rpc_discover_matches_spec() {
  local served documented
  served="$("$call" -d "$work/discover" -c rpc.discover | jq -c '[.methods[].name] | sort')" || fail "exit $?" || return 1
  documented="$(jq -c '[.methods[].name] | sort' "$root/rpc-spec/openrpc.json")"
  expect_eq "$served" "$documented" "methods"
}

test_watch_replays_and_resumes_from_seq_file() {
  local dir="$work/bob" seqs
  "$call" -d "$dir" identity.create "{\"passphrase\": \"$PASSPHRASE\"}" >/dev/null || fail "create" || return 1
  # Run 1: seq 1 (created) is persisted; this run's unlock makes seq 2.
  VARIANCE_PASSPHRASE="$PASSPHRASE" "$watch" -d "$dir" -f "$work/bob.seq" -n 2 -t 60 >"$work/run1" ||
    fail "run 1: exit $?" || return 1
  seqs="$(jq -r '"\(.seq):\(.method):\(.params.state)"' "$work/run1" | paste -sd' ')"
  expect_eq "$seqs" "1:identity.changed:ready 2:identity.changed:ready" "run 1" || return 1
  expect_eq "$(cat "$work/bob.seq")" 2 "stored seq" || return 1
  # Run 2 resumes after seq 2: its own unlock, seq 3, and nothing already seen.
  VARIANCE_PASSPHRASE="$PASSPHRASE" "$watch" -d "$dir" -f "$work/bob.seq" -n 1 -t 60 >"$work/run2" ||
    fail "run 2: exit $?" || return 1
  expect_eq "$(jq -r .seq "$work/run2" | paste -sd' ')" 3 "run 2" || return 1
  # -s picks the start by hand: after 1 comes 2.
  VARIANCE_PASSPHRASE="$PASSPHRASE" "$watch" -d "$dir" -s 1 -n 1 -t 60 >"$work/run3" || fail "run 3: exit $?" || return 1
  expect_eq "$(jq -r .seq "$work/run3")" 2 "run 3"
}

test_watch_without_passphrase_is_a_usage_error() {
  local status
  "$call" -d "$work/nopass" identity.create "{\"passphrase\": \"$PASSPHRASE\"}" >/dev/null || fail "create" || return 1
  env -u VARIANCE_PASSPHRASE "$watch" -d "$work/nopass" -n 1 -t 60 >/dev/null 2>&1; status=$?
  expect_eq "$status" 2 "exit status"
}

# start_listening NAME COMMAND...: run COMMAND in the background (standard output to
# $work/NAME.out) until it prints "listening on MULTIADDR" on standard error, read through
# a FIFO (no polling). Sets LISTEN_PID, LISTEN_ADDR, and LISTEN_LINES (the lines before).
start_listening() {
  local name="$1" line errfd
  shift
  mkfifo "$work/$name.fifo"
  "$@" >"$work/$name.out" 2>"$work/$name.fifo" &
  LISTEN_PID=$!
  LISTEN_ADDR=
  LISTEN_LINES=
  exec {errfd}<"$work/$name.fifo"
  while IFS= read -r -t 60 -u "$errfd" line; do
    if [[ "$line" == *"listening on "* ]]; then LISTEN_ADDR="${line##*listening on }"; break; fi
    LISTEN_LINES+="$line"$'\n'
  done
  cat <&"$errfd" >"$work/$name.err" &   # keep draining its standard error
  exec {errfd}<&-
  [ -n "$LISTEN_ADDR" ] || fail "$name printed no listen address: $LISTEN_LINES"
}

# Two engines: alice watches node.status (listening on a free port); bob, driven through
# variance-lib.sh in this shell, connects; both see node.status with a connected peer.
test_two_engines_connect_and_watch_node_status() {
  local alice="$work/alice2" address alice_peer status
  "$call" -d "$alice" identity.create '{"username": "alice"}' >/dev/null || fail "create alice" || return 1
  start_listening watch "$watch" -d "$alice" -a --listen -a /ip4/127.0.0.1/tcp/0 -N -k node.status \
    -u '.params.connectedPeers >= 1' -t 60 || { kill "$LISTEN_PID"; return 1; }
  local watch_pid=$LISTEN_PID
  trap "kill $watch_pid 2>/dev/null" EXIT   # this test runs in a subshell: on any way out
  address="$LISTEN_ADDR"
  alice_peer="${address##*/p2p/}"

  . "$here/variance-lib.sh"
  variance_start --data-dir "$work/bob2" || fail "bob did not start" || return 1
  variance_call identity.create '{"username": "bob"}' || fail "bob identity.create: $VARIANCE_ERROR" || return 1
  local bob_peer
  bob_peer="$(jq -r .peerId <<<"$VARIANCE_RESULT")"
  variance_call node.connect "$(jq -cn --arg a "$address" '{multiaddr: $a}')" ||
    fail "node.connect: $VARIANCE_ERROR" || return 1
  expect_eq "$(jq -r .peerId <<<"$VARIANCE_RESULT")" "$alice_peer" "connected peer" || return 1
  local seen=
  while variance_next_event 60; do
    if jq -e '.method == "node.status" and .params.connectedPeers >= 1' <<<"$VARIANCE_EVENT" >/dev/null; then
      seen="$VARIANCE_EVENT"; break
    fi
  done
  [ -n "$seen" ] || fail "bob saw no node.status with a connected peer" || return 1
  expect_eq "$(jq -r .params.peerId <<<"$seen")" "$bob_peer" "bob's node.status peerId" || return 1
  [ "$(jq -r .params.seq <<<"$seen")" -ge 2 ] || fail "bob's node.status has no seq: $seen" || return 1

  wait "$watch_pid"; status=$?
  variance_stop || fail "bob's engine exited with $?" || return 1
  expect_eq "$status" 0 "alice's watcher exit status" || { cat "$work/watch.err"; return 1; }
  # Only node.status lines (the identity.changed of alice was filtered out), the last connected.
  expect_eq "$(jq -r .method "$work/watch.out" | sort -u)" node.status "kinds printed" || return 1
  expect_eq "$(tail -n 1 "$work/watch.out" | jq -r '.params.connectedPeers >= 1')" true "last line"
}

# The echo bot listens; carol sends it a direct message with variance-send.sh and waits for
# the answer; the bot stops cleanly on SIGTERM.
test_send_to_echo_bot_and_wait_for_the_reply() {
  local bot_did sent reply status
  start_listening bot "$here/variance-bot.sh" -d "$work/bot" -u echo -N \
    -a --listen -a /ip4/127.0.0.1/tcp/0 || { kill "$LISTEN_PID"; return 1; }
  local bot_pid=$LISTEN_PID
  trap "kill $bot_pid 2>/dev/null" EXIT
  bot_did="$(grep -o 'created did:key:[^ ]*' <<<"$LISTEN_LINES" | cut -d' ' -f2)"
  [ -n "$bot_did" ] || fail "the bot named no DID: $LISTEN_LINES" || return 1
  "$call" -d "$work/carol" identity.create '{"username": "carol"}' >/dev/null || fail "create carol" || return 1

  "$here/variance-send.sh" -d "$work/carol" -m "$LISTEN_ADDR" -w 60 "$bot_did" "hello bot" >"$work/send.out"; status=$?
  expect_eq "$status" 0 "variance-send.sh exit status" || return 1
  sent="$(sed -n 1p "$work/send.out")"
  reply="$(sed -n 2p "$work/send.out")"
  [[ "$(jq -r .status <<<"$sent")" =~ ^(queued|sent|delivered)$ ]] || fail "send result: $sent" || return 1
  expect_eq "$(jq -r .text <<<"$reply")" "echo: hello bot" "reply text" || return 1
  expect_eq "$(jq -r .from <<<"$reply")" "$bot_did" "reply from" || return 1
  expect_eq "$(jq -r .replyTo <<<"$reply")" "$(jq -r .id <<<"$sent")" "reply answers" || return 1

  kill -TERM "$bot_pid"
  wait "$bot_pid"; status=$?
  expect_eq "$status" 0 "the bot's exit status" || return 1
  grep -q '"method":"message.received"' "$work/bot.out" || fail "the bot printed no message.received" || return 1
  # It keeps the seq it handled (the signal may come before the last printed one is stored).
  [[ "$(cat "$work/bot/variance-bot.seq")" =~ ^[0-9]+$ ]] || fail "no stored seq"
}

for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
  run_test "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
