#!/usr/bin/env python3
"""An echo bot on variance_client: spawns an engine and prints every event it sees.

It prints events (replayed, then live) as JSON lines and remembers the last seq in
DATA_DIR/echo_bot.seq, so a restarted bot resumes where it stopped. To each
`message.received` from someone else it answers "echo: TEXT" with `messages.send`.

With an engine that has no direct messages yet (no `messages.send` in `rpc.discover`), no
`message.received` ever comes: the bot then answers nothing and only prints events.

    python3 clients/python/examples/echo_bot.py --data-dir /tmp/bot [--listen /ip4/0.0.0.0/tcp/4001]

It creates an identity (username from --username) if the data directory has none, and
unlocks a protected one with $VARIANCE_PASSPHRASE. It stops on Ctrl-C or SIGTERM
(closing the engine cleanly), or after --max-events events.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from variance_client import Engine  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[3]


async def run(args: argparse.Namespace) -> int:
    # SIGTERM ends the bot as Ctrl-C does: the engine is closed cleanly on the way out.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    data_dir = Path(args.data_dir)
    seq_file = data_dir / "echo_bot.seq"
    extra = [a for address in args.listen for a in ("--listen", address)]
    async with Engine.spawn(args.engine, data_dir, *extra) as engine:
        state = engine.ready_params["identity"]
        if state == "none":
            created = await engine.identity_create(username=args.username)
            print(f"# created {created['did']}", file=sys.stderr)
        elif state == "locked":
            passphrase = os.environ.get("VARIANCE_PASSPHRASE")
            if not passphrase:
                print("the identity is locked: set VARIANCE_PASSPHRASE", file=sys.stderr)
                return 1
            await engine.identity_unlock(passphrase=passphrase)
        me = (await engine.identity_show())["did"]
        if args.listen:
            status = await engine.node_status()  # starts the node
            for address in status["listenAddrs"]:
                print(f"# listening on {address}/p2p/{status['peerId']}", file=sys.stderr)

        after = int(seq_file.read_text()) if seq_file.exists() else 0
        count = 0
        async for event in engine.events(after=after):
            print(json.dumps({"seq": event.seq, "method": event.method, "params": event.params}),
                  flush=True)
            if event.method == "message.received":
                await answer(engine, me, event.params)
            if event.seq is not None:
                seq_file.write_text(str(event.seq))
            count += 1
            if args.max_events and count >= args.max_events:
                break
    return 0


async def answer(engine: Engine, me: str, params: dict) -> None:
    """Echo a received text to its sender, once (not our own, nor another bot's echo)."""
    message = params.get("message") or {}
    text = message.get("text", "")
    if message.get("from") == me or not text or text.startswith("echo: "):
        return
    sent = await engine.call("messages.send", conversation=params["conversation"],
                             text=f"echo: {text}", replyTo=message.get("id"))
    print(f"# answered {message.get('id')} with {sent['id']} ({sent['status']})", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description="An echo bot: prints a Variance engine's events, echoes direct messages.")
    ap.add_argument("--engine", default=os.environ.get(
        "VARIANCE_ENGINE", str(REPO_ROOT / ".build" / "debug" / "variance-engine")))
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--username", default=None)
    ap.add_argument("--listen", action="append", default=[], metavar="MULTIADDR")
    ap.add_argument("--max-events", type=int, default=0, help="stop after this many (0: never)")
    args = ap.parse_args()
    try:
        return asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
