"""variance_client against the real engine binary (see conftest.py for which)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from conftest import CLIENT_DIR
from variance_client import (
    CRYPTO_FAILURE, INVALID_PARAMS, METHOD_NOT_FOUND, NO_IDENTITY, REQUEST_CANCELLED, Engine, EngineClosed,
    EngineFailed, RPCError)

PASSPHRASE = "correct horse battery staple"
TIMEOUT = 60


async def next_matching(events, predicate, timeout=TIMEOUT):
    """The first notification from `events` that satisfies `predicate`."""
    async def scan():
        async for event in events:
            if predicate(event):
                return event
        raise AssertionError("the engine's output ended first")
    return await asyncio.wait_for(scan(), timeout)


async def test_identity_create_and_show(engine_path, tmp_path):
    async with Engine.spawn(engine_path, tmp_path / "alice") as engine:
        assert engine.ready_params["identity"] == "none"
        info = await engine.engine_info()
        assert info["identity"] == "none" and info["dataDir"] == str(tmp_path / "alice")
        created = await engine.identity_create(username="alice")
        assert created["did"].startswith("did:key:z6Mk")
        assert len(created["mnemonic"]) == 24
        shown = await engine.identity_show()
        assert (shown["did"], shown["peerId"], shown["username"]) == (
            created["did"], created["peerId"], "alice")
        assert shown["fingerprint"] and shown["createdAt"].endswith("Z")
    assert engine.returncode == 0
    # The identity outlives the process; without a passphrase it is ready at once.
    async with Engine.spawn(engine_path, tmp_path / "alice") as engine:
        assert engine.ready_params["identity"] == "ready"
        assert (await engine.identity_show())["did"] == created["did"]


async def test_errors_raise_rpcerror_with_code(engine_path, tmp_path):
    async with Engine.spawn(engine_path, tmp_path / "d") as engine:
        with pytest.raises(RPCError) as e:
            await engine.identity_show()
        assert e.value.code == NO_IDENTITY and e.value.method == "identity.show"
        assert "identity.create" in e.value.message  # a sentence a person can act on
        with pytest.raises(RPCError) as e:
            await engine.call("no.such.method")
        assert e.value.code == METHOD_NOT_FOUND and "no.such.method" in e.value.message
        with pytest.raises(RPCError) as e:
            await engine.identity_create(username="Not A Valid Username!")
        assert e.value.code == INVALID_PARAMS and e.value.data["field"] == "username"
        await engine.identity_create(passphrase=PASSPHRASE)
    async with Engine.spawn(engine_path, tmp_path / "d") as engine:
        assert engine.ready_params["identity"] == "locked"
        with pytest.raises(RPCError) as e:
            await engine.identity_unlock(passphrase="wrong")
        assert e.value.code == CRYPTO_FAILURE
        # The connection is still good after errors.
        assert (await engine.identity_unlock(passphrase=PASSPHRASE))["did"]


async def test_concurrent_calls_get_their_own_answers(engine_path, tmp_path):
    async with Engine.spawn(engine_path, tmp_path / "d") as engine:
        results = await asyncio.gather(
            *[engine.engine_info() for _ in range(20)],
            engine.call("no.such.method"), return_exceptions=True)
        assert all(r["dataDir"] == str(tmp_path / "d") for r in results[:20])
        assert isinstance(results[20], RPCError)


async def test_events_resume_after_restart(engine_path, tmp_path):
    data = tmp_path / "bob"
    async with Engine.spawn(engine_path, data) as engine:
        did = (await engine.identity_create(username="bob", passphrase=PASSPHRASE))["did"]
        first = await next_matching(engine.events(after=0), lambda e: True)
        assert (first.method, first.seq, first["did"], first["state"]) == (
            "identity.changed", 1, did, "ready")
        last_seen = first.seq
    async with Engine.spawn(engine_path, data) as engine:
        assert engine.ready_params["identity"] == "locked"
        await engine.identity_unlock(passphrase=PASSPHRASE)
        # Everything after the last seq the frontend handled: the unlock, nothing else.
        missed = [e async for e in engine.events(after=last_seen, follow=False)]
        assert [(e.method, e.seq, e["did"], e["state"]) for e in missed] == [
            ("identity.changed", 2, did, "ready")]
        # Following: the same event first, then live ones.
        events = engine.events(after=last_seen)
        assert (await asyncio.wait_for(anext(events), TIMEOUT)).seq == 2
        await events.aclose()
    assert engine.returncode == 0


async def test_events_started_while_locked_fill_the_gap(engine_path, tmp_path):
    data = tmp_path / "carol"
    async with Engine.spawn(engine_path, data) as engine:
        await engine.identity_create(passphrase=PASSPHRASE)
    async with Engine.spawn(engine_path, data) as engine:
        # Locked: nothing can be replayed yet, so the iterator waits for a live event...
        refused = asyncio.Event()
        replay = engine.events_replay

        async def observed_replay(**params):
            try:
                return await replay(**params)
            except RPCError as e:
                if e.code == NO_IDENTITY:
                    refused.set()
                raise

        engine.events_replay = observed_replay
        events = engine.events(after=0)
        first = asyncio.ensure_future(anext(events))
        await asyncio.wait_for(refused.wait(), TIMEOUT)
        await engine.identity_unlock(passphrase=PASSPHRASE)
        # ...and then brings seq 1 from the database before the live seq 2, once each.
        seqs = [(await asyncio.wait_for(first, TIMEOUT)).seq,
                (await asyncio.wait_for(anext(events), TIMEOUT)).seq]
        assert seqs == [1, 2]
        await events.aclose()


async def test_two_engines_connect_and_see_node_status(engine_path, tmp_path):
    async with Engine.spawn(engine_path, tmp_path / "alice", "--listen", "/ip4/127.0.0.1/tcp/0") as alice, \
            Engine.spawn(engine_path, tmp_path / "bob") as bob:
        await alice.identity_create(username="alice")
        bob_id = await bob.identity_create(username="bob")
        alice_events = alice.events(after=alice.last_seq, kinds=["node.status"])
        bob_events = bob.events(after=bob.last_seq, kinds=["node.status"])
        status = await alice.node_status()
        assert status["listenAddrs"], status
        address = f"{status['listenAddrs'][0]}/p2p/{status['peerId']}"

        connected = await bob.node_connect(multiaddr=address)
        assert connected["peerId"] == status["peerId"]

        seen_by_alice, seen_by_bob = await asyncio.gather(
            next_matching(alice_events, lambda e: e["connectedPeers"] >= 1),
            next_matching(bob_events, lambda e: e["connectedPeers"] >= 1))
        assert seen_by_alice.method == seen_by_bob.method == "node.status"
        assert seen_by_alice["peerId"] == status["peerId"]
        assert seen_by_bob["peerId"] == bob_id["peerId"]
        peers = (await bob.node_peers())["peers"]
        assert status["peerId"] in [p["peerId"] for p in peers]
        await alice_events.aclose()
        await bob_events.aclose()


async def test_engine_failed_and_bad_arguments_raise_enginefailed(engine_path, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("listen: [[[\n")
    with pytest.raises(EngineFailed) as e:
        await Engine.spawn(engine_path, tmp_path / "d", "--config", str(config))
    assert "YAML" in e.value.reason and e.value.returncode not in (None, 0)
    with pytest.raises(EngineFailed) as e:
        await Engine.spawn(engine_path, tmp_path / "d", "--no-such-option",
                           stderr=subprocess.DEVNULL)
    assert e.value.returncode not in (None, 0)


async def test_close_and_shutdown(engine_path, tmp_path):
    engine = await Engine.spawn(engine_path, tmp_path / "d")
    assert await engine.close() == 0
    with pytest.raises(EngineClosed):
        await engine.engine_info()
    engine = await Engine.spawn(engine_path, tmp_path / "d")
    assert await engine.engine_shutdown() == {}
    assert await engine.close() == 0


async def test_echo_bot_answers_a_direct_message(engine_path, tmp_path):
    """examples/echo_bot.py as a person runs it, and alice writing to it."""
    bot = await asyncio.create_subprocess_exec(
        sys.executable, str(CLIENT_DIR / "examples" / "echo_bot.py"), "--engine", str(engine_path),
        "--data-dir", str(tmp_path / "bot"), "--listen", "/ip4/127.0.0.1/tcp/0",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(CLIENT_DIR)})
    try:
        bot_did = address = None
        while address is None:
            line = (await asyncio.wait_for(bot.stderr.readline(), TIMEOUT)).decode()
            assert line, "the bot exited before listening"
            if line.startswith("# created "):
                bot_did = line.split()[-1]
            if line.startswith("# listening on "):
                address = line.split()[-1]
        async with Engine.spawn(engine_path, tmp_path / "alice") as alice:
            await alice.identity_create(username="alice")
            await alice.contacts_add(did=bot_did, multiaddr=address)
            received = alice.events(after=alice.last_seq, kinds=["message.received"])
            sent = await alice.messages_send(conversation=bot_did, text="hello")
            echo = await next_matching(received, lambda e: e["message"]["from"] == bot_did)
            assert echo["message"]["text"] == "echo: hello"
            assert echo["message"].get("replyTo") == sent["id"]
            await received.aclose()
        bot.terminate()  # SIGTERM: the bot closes its engine and exits 0
        assert await asyncio.wait_for(bot.wait(), TIMEOUT) == 0
        assert b"message.received" in await bot.stdout.read()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


def test_echo_bot_example_runs(engine_path, tmp_path):
    """The example runs as documented: it creates an identity and prints the event."""
    result = subprocess.run(
        [sys.executable, str(CLIENT_DIR / "examples" / "echo_bot.py"),
         "--engine", str(engine_path), "--data-dir", str(tmp_path / "bot"), "--max-events", "1"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(CLIENT_DIR)})
    assert result.returncode == 0, result.stderr
    assert "identity.changed" in result.stdout


async def test_cancelling_a_call_sends_cancel_request(engine_path, tmp_path):
    """A task cancelled while its call is in flight tells the engine ($/cancelRequest)."""
    silent_peer_connected = asyncio.Event()

    async def silent(reader, writer):  # accepts TCP and never speaks multistream
        silent_peer_connected.set()
        await reader.read()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, Engine.spawn(engine_path, tmp_path / "d") as engine:
        me = await engine.identity_create()
        sent = []
        send = engine._send

        async def recording_send(message):
            sent.append(message)
            await send(message)

        engine._send = recording_send
        cancelled_answer = asyncio.Event()
        dispatch = engine._dispatch

        def watching_dispatch(message):
            if (message.get("error") or {}).get("code") == REQUEST_CANCELLED:
                cancelled_answer.set()
            dispatch(message)

        engine._dispatch = watching_dispatch
        dial = asyncio.ensure_future(
            engine.node_connect(multiaddr=f"/ip4/127.0.0.1/tcp/{port}/p2p/{me['peerId']}"))
        await asyncio.wait_for(silent_peer_connected.wait(), TIMEOUT)
        dial.cancel()
        with pytest.raises(asyncio.CancelledError):
            await dial
        request_id = sent[0]["id"]
        assert sent[1] == {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}}
        await asyncio.wait_for(cancelled_answer.wait(), TIMEOUT)  # the engine stopped the dial
        assert (await engine.engine_info())["identity"] == "ready"  # still serving


async def test_a_group_through_the_client(engine_path, tmp_path):
    """groups.create with a contact, group.changed on both sides, a text in the group."""
    async with Engine.spawn(engine_path, tmp_path / "alice", "--listen", "/ip4/127.0.0.1/tcp/0") as alice, \
            Engine.spawn(engine_path, tmp_path / "bob", "--listen", "/ip4/127.0.0.1/tcp/0") as bob:
        alice_id = await alice.identity_create(username="alice")
        bob_id = await bob.identity_create(username="bob")
        alice_address = (await alice.node_status())["listenAddrs"][0]
        bob_address = (await bob.node_status())["listenAddrs"][0]
        await alice.contacts_add(did=bob_id["did"], multiaddr=bob_address)
        await bob.contacts_add(did=alice_id["did"], multiaddr=alice_address)
        bob_groups = bob.events(after=bob.last_seq, kinds=["group.changed"])
        bob_texts = bob.events(after=bob.last_seq, kinds=["message.received"])
        created = await alice.groups_create(name="Hikers", members=[bob_id["did"]])
        group = created["groupId"]
        joined = await next_matching(bob_groups, lambda e: e["groupId"] == group)
        assert joined["change"] == "joined"
        assert sorted(joined["members"]) == sorted([alice_id["did"], bob_id["did"]])
        await alice.messages_send(conversation=group, text="hello group")
        text = await next_matching(bob_texts, lambda e: e["conversation"] == group)
        assert text["message"]["text"] == "hello group" and text["message"]["from"] == alice_id["did"]
        listed = (await bob.groups_list())["groups"]
        assert [g["name"] for g in listed] == ["Hikers"]
        members = (await bob.groups_members(group_id=group))["members"]
        assert {m["did"] for m in members} == {alice_id["did"], bob_id["did"]}
        with pytest.raises(RPCError) as error:
            await bob.groups_members(group_id="0" * 32)
        assert error.value.code == -32002
        await bob_groups.aclose()
        await bob_texts.aclose()


async def test_a_call_rings_and_is_declined_through_the_client(engine_path, tmp_path):
    """calls.start, call.incoming, calls.reject, call.state on both sides."""
    async with Engine.spawn(engine_path, tmp_path / "alice", "--listen", "/ip4/127.0.0.1/tcp/0") as alice, \
            Engine.spawn(engine_path, tmp_path / "bob", "--listen", "/ip4/127.0.0.1/tcp/0") as bob:
        alice_id = await alice.identity_create(username="alice")
        bob_id = await bob.identity_create(username="bob")
        await alice.contacts_add(did=bob_id["did"], multiaddr=(await bob.node_status())["listenAddrs"][0])
        await bob.contacts_add(did=alice_id["did"], multiaddr=(await alice.node_status())["listenAddrs"][0])
        incoming = bob.events(after=bob.last_seq, kinds=["call.incoming"])
        states = alice.events(after=alice.last_seq, kinds=["call.state"])
        call = (await alice.calls_start(peer=bob_id["did"]))["callId"]
        ringing = await next_matching(incoming, lambda e: e["callId"] == call)
        assert ringing["from"] == alice_id["did"] and ringing["video"] is False
        await bob.calls_reject(call_id=call)
        ended = await next_matching(states, lambda e: e["callId"] == call and e["state"] == "ended")
        assert ended["reason"] == "rejected"
        listed = (await alice.calls_list())["calls"]
        assert [c["callId"] for c in listed] == [call] and listed[0]["direction"] == "outgoing"
        await incoming.aclose()
        await states.aclose()
