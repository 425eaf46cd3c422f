#!/usr/bin/env python3
"""The anchor of `mls-bench` (`variance-bench mls`): the same MLS group operations through
mls-rs (agentvault-mls-rs-uniffi 0.1.1, module mls_rs_uniffi, cipher suite 1
CURVE25519_AES128), timed the way the Swift bench times VarianceMLS.

For each group size N: alice creates the group and adds N-1 members in one commit (not
timed); bob (leaf 1) joins from its Welcome. Both states are written to the in-memory
storage, and every timed repetition starts from a fresh `client.load_group` of that snapshot
(loading is not timed). Per repetition:

  commit_add1     alice.add_members([1 key package]) plus serializing commit and Welcome
  process_add1    bob: Message.from_bytes(commit) + process_incoming_message
  join_add1       the new member: Message.from_bytes(welcome) + join_group (tree in Welcome)
  commit_add1_notree  as commit_add1, without the ratchet tree in the Welcome (out of band)
  commit_add100   alice.add_members([100 key packages]) plus serialization
  process_add100  bob processes that commit
  commit_path     alice.commit() with no proposals: an empty commit with a full UpdatePath
  process_path    bob processes it
  app_msgs        100-byte application messages alice -> bob (encrypt, to_bytes, from_bytes,
                  process); messages per second over --messages messages

Key packages come from fresh clients created before the timer starts. `commit_has_path` tells
whether mls-rs put an UpdatePath in its add-only commits (its default commit options do not).
Medians over --reps (after one dropped warm-up repetition). Prints one JSON object:
  {"impl": "mls-rs", "versions": {...}, "results": [{"n", "op", "unit", "median", "samples"}]}
"""
import argparse
import json
import statistics
import sys
import time

import mls_rs_uniffi as mls

SUITE = mls.CipherSuite.CURVE25519_AES128


def new_client(name: bytes):
    return mls.Client(name, mls.generate_signature_keypair(SUITE), mls.client_config_default())


def key_packages(count: int, tag: str):
    clients = [new_client(f"{tag}-{i}".encode()) for i in range(count)]
    return clients, [c.generate_key_package_message() for c in clients]




def run_size(n: int, reps: int, messages: int, group_id: bytes):
    alice_keys = mls.generate_signature_keypair(SUITE)
    config = mls.client_config_default()
    alice = mls.Client(b"alice", alice_keys, config)
    # The same member, same storage, sending Welcomes without the ratchet tree extension.
    alice_no_tree = mls.Client(b"alice", alice_keys, mls.ClientConfig(
        group_state_storage=config.group_state_storage, use_ratchet_tree_extension=False))
    group = alice.create_group(group_id)
    members, kps = key_packages(n - 1, f"m{n}")
    bob_client = members[0]
    out = group.add_members(kps)
    group.process_incoming_message(out.commit_message)  # mls-rs applies its own commit this way
    group.write_to_storage()
    bob = bob_client.join_group(None, out.welcome_message).group
    bob.write_to_storage()

    res = {k: [] for k in ("commit_add1", "process_add1", "join_add1", "commit_add1_notree", "commit_add100", "process_add100",
                              "commit_path", "process_path", "app_msgs")}
    samples = {}
    for rep in range(reps + 1):  # repetition 0 warms up and is dropped
        if rep == 1:
            for values in res.values():
                values.clear()
        # (a) one member, (c) processed by bob, (d) joined by the newcomer
        joiners, jkps = key_packages(1, "j")
        g = alice.load_group(group_id)
        t0 = time.perf_counter_ns()
        out = g.add_members(jkps)
        commit = out.commit_message.to_bytes()
        welcome = out.welcome_message.to_bytes()
        res["commit_add1"].append(time.perf_counter_ns() - t0)
        samples["add1"] = (commit, welcome)

        b = bob_client.load_group(group_id)
        t0 = time.perf_counter_ns()
        r = b.process_incoming_message(mls.Message.from_bytes(commit))
        res["process_add1"].append(time.perf_counter_ns() - t0)
        assert r.is_commit()

        t0 = time.perf_counter_ns()
        joined = joiners[0].join_group(None, mls.Message.from_bytes(welcome)).group
        res["join_add1"].append(time.perf_counter_ns() - t0)
        assert joined.export_secret(b"x", b"", 16) == b.export_secret(b"x", b"", 16)

        # (a) again, the Welcome without the ratchet tree (it goes out of band)
        _, nkps = key_packages(1, "n")
        g = alice_no_tree.load_group(group_id)
        t0 = time.perf_counter_ns()
        out = g.add_members(nkps)
        commit = out.commit_message.to_bytes()
        welcome = out.welcome_message.to_bytes()
        res["commit_add1_notree"].append(time.perf_counter_ns() - t0)
        assert out.ratchet_tree is not None

        # (b) a hundred members, (c) processed by bob
        _, hkps = key_packages(100, "h")
        g = alice.load_group(group_id)
        t0 = time.perf_counter_ns()
        out = g.add_members(hkps)
        commit = out.commit_message.to_bytes()
        welcome = out.welcome_message.to_bytes()
        res["commit_add100"].append(time.perf_counter_ns() - t0)
        samples["add100"] = (commit, welcome)

        b = bob_client.load_group(group_id)
        t0 = time.perf_counter_ns()
        r = b.process_incoming_message(mls.Message.from_bytes(commit))
        res["process_add100"].append(time.perf_counter_ns() - t0)
        assert r.is_commit()

        # a commit with a full UpdatePath and no proposals (mls-rs: group.commit()), and bob
        g = alice.load_group(group_id)
        t0 = time.perf_counter_ns()
        out = g.commit()
        commit = out.commit_message.to_bytes()
        res["commit_path"].append(time.perf_counter_ns() - t0)
        samples["path"] = (commit, b"")

        b = bob_client.load_group(group_id)
        t0 = time.perf_counter_ns()
        r = b.process_incoming_message(mls.Message.from_bytes(commit))
        res["process_path"].append(time.perf_counter_ns() - t0)
        assert r.is_commit()

        # (e) application messages alice -> bob
        a = alice.load_group(group_id)
        b = bob_client.load_group(group_id)
        text = bytes(range(100))
        for _ in range(16):  # warm-up
            b.process_incoming_message(mls.Message.from_bytes(a.encrypt_application_message(text).to_bytes()))
        t0 = time.perf_counter_ns()
        for _ in range(messages):
            r = b.process_incoming_message(mls.Message.from_bytes(a.encrypt_application_message(text).to_bytes()))
            if r.data != text:
                raise RuntimeError("plaintext mismatch")
        elapsed = time.perf_counter_ns() - t0
        res["app_msgs"].append(messages / (elapsed / 1e9))

    rows = []
    for op, values in res.items():
        if op == "app_msgs":
            rows.append({"n": n, "op": op, "unit": "msg/s", "median": statistics.median(values), "samples": values})
        else:
            ms = [v / 1e6 for v in values]
            rows.append({"n": n, "op": op, "unit": "ms", "median": statistics.median(ms), "samples": ms})
    return rows, {k: {"commit": v[0].hex(), "welcome_bytes": len(v[1])} for k, v in samples.items()}


def versions():
    from importlib.metadata import version
    return {"agentvault-mls-rs-uniffi": version("agentvault-mls-rs-uniffi"), "python": sys.version.split()[0]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10,100,1000")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--messages", type=int, default=500)
    args = p.parse_args()
    results, commits = [], {}
    for n in [int(s) for s in args.sizes.split(",")]:
        rows, sample = run_size(n, args.reps, args.messages, f"bench-{n}".encode())
        results += rows
        commits[str(n)] = sample
        print(f"mls-rs n={n} done", file=sys.stderr, flush=True)
    print(json.dumps({"impl": "mls-rs", "versions": versions(), "reps": args.reps, "results": results,
                      "sample_commits": commits}))


if __name__ == "__main__":
    main()
