#!/usr/bin/env python3
"""The anchors of `variance-bench olm`: Olm messages per second through vodozemac 0.10.0 (Rust,
through its Python binding) and python-olm 3.2.16 (libolm, C, through cffi), measured the way
`variance-bench olm` measures our VarianceOlm (docs/PERFORMANCE.md, section "Olm").

One cell: a fresh session pair, established as in real use (A's pre-key message, B's reply,
A decrypts it), then messages of SIZE bytes, either one way (A encrypts, B decrypts, again and
again) or alternating (A -> B, B -> A, ...; every change of direction is a DH ratchet step).
Each message goes through the wire form (vodozemac: `to_parts`/`from_parts` raw bytes;
libolm: its base64 message string) and the plaintext that comes out is compared with what
went in. 64 messages of warm-up, then batches of 32 until SECONDS have passed; the figure is
messages / elapsed time, one message being one encrypt plus one decrypt.

Plaintexts are random ASCII letters: python-olm's `decrypt` returns `str`, and ASCII keeps that
decoding as cheap as it can be (the ciphers do not care what the bytes are).

  olm_anchor.py serve
      Commands on stdin, one JSON line per answer on stdout:
        versions                        -> {"vodozemac":…, "python-olm":…, "python":…}
        run IMPL MODE SIZE SECONDS      -> {"impl","mode","size","messages","ns"}
      IMPL vodozemac|libolm, MODE oneway|alternating. Errors: {"event":"error","error":…}.
  olm_anchor.py [--rounds 5] [--seconds 0.5] [--json]
      Runs every cell itself, rounds interleaved, and prints medians (alone, without ours).
"""
import argparse
import json
import random
import statistics
import string
import sys
import time

WARMUP = 64
BATCH = 32


def plaintext(size: int) -> bytes:
    rnd = random.Random(size)
    return "".join(rnd.choice(string.ascii_letters) for _ in range(size)).encode()


class Vodozemac:
    """Two vodozemac accounts and the session pair between them."""

    def __init__(self):
        import vodozemac as v
        self.v = v
        alice, bob = v.Account(), v.Account()
        bob.generate_one_time_keys(1)
        otk = next(iter(bob.one_time_keys.values()))
        bob.mark_keys_as_published()
        self.a = alice.create_outbound_session(bob.curve25519_key, otk)
        mtype, raw = self.a.encrypt(b"hello").to_parts()
        assert mtype == 0
        pre = v.AnyOlmMessage.from_parts(mtype, raw).to_pre_key()
        self.b, first = bob.create_inbound_session(alice.curve25519_key, pre)
        assert first == b"hello"
        reply = self.b.encrypt(b"reply")
        assert self.a.decrypt(v.AnyOlmMessage.from_parts(*reply.to_parts())) == b"reply"

    def transfer(self, sender, receiver, text: bytes) -> bytes:
        mtype, raw = sender.encrypt(text).to_parts()
        return receiver.decrypt(self.v.AnyOlmMessage.from_parts(mtype, raw))


class Libolm:
    """Two libolm accounts (python-olm) and the session pair between them."""

    def __init__(self):
        import olm
        self.olm = olm
        alice, bob = olm.Account(), olm.Account()
        bob.generate_one_time_keys(1)
        otk = next(iter(bob.one_time_keys["curve25519"].values()))
        bob.mark_keys_as_published()
        alice_key = alice.identity_keys["curve25519"]
        self.a = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
        m = self.a.encrypt(b"hello")
        assert m.message_type == 0
        pre = olm.OlmPreKeyMessage(m.ciphertext)
        self.b = olm.InboundSession(bob, pre, alice_key)
        assert self.b.decrypt(pre) == "hello"
        bob.remove_one_time_keys(self.b)
        reply = self.b.encrypt(b"reply")
        assert self.a.decrypt(olm.OlmMessage(reply.ciphertext)) == "reply"

    def transfer(self, sender, receiver, text: bytes) -> bytes:
        m = sender.encrypt(text)
        cls = self.olm.OlmMessage if m.message_type == 1 else self.olm.OlmPreKeyMessage
        return receiver.decrypt(cls(m.ciphertext)).encode()


IMPLS = {"vodozemac": Vodozemac, "libolm": Libolm}
MODES = ("oneway", "alternating")


def measure(impl: str, mode: str, size: int, seconds: float) -> dict:
    pair = IMPLS[impl]()
    text = plaintext(size)
    a, b, transfer = pair.a, pair.b, pair.transfer
    if mode == "oneway":
        order = [(a, b)] * BATCH
    elif mode == "alternating":
        order = [(a, b), (b, a)] * (BATCH // 2)
    else:
        raise ValueError(f"unknown mode {mode}")
    for sender, receiver in order + order:  # warm-up: 2 batches
        if transfer(sender, receiver, text) != text:
            raise RuntimeError("plaintext mismatch")
    limit = int(seconds * 1e9)
    n = 0
    start = time.perf_counter_ns()
    while True:
        for sender, receiver in order:
            if transfer(sender, receiver, text) != text:
                raise RuntimeError("plaintext mismatch")
        n += BATCH
        elapsed = time.perf_counter_ns() - start
        if elapsed >= limit:
            break
    return {"impl": impl, "mode": mode, "size": size, "messages": n, "ns": elapsed}


def versions() -> dict:
    from importlib.metadata import version
    return {"vodozemac": version("vodozemac"), "python-olm": version("python-olm"),
            "python": sys.version.split()[0]}


def serve():
    def emit(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "versions":
                emit(versions())
            elif words[0] == "run" and len(words) == 5:
                emit(measure(words[1], words[2], int(words[3]), float(words[4])))
            else:
                raise ValueError(f"unknown command {line.strip()!r}")
        except Exception as e:  # the orchestrator reports it and stops
            emit({"event": "error", "error": f"{type(e).__name__}: {e}"})


def standalone(rounds: int, seconds: float, as_json: bool):
    cells = [(mode, size) for size in (100, 10240) for mode in MODES]
    samples = {(impl, mode, size): [] for impl in IMPLS for mode, size in cells}
    for r in range(rounds):
        for mode, size in cells:
            impls = list(IMPLS)
            for impl in impls[r % 2:] + impls[:r % 2]:
                m = measure(impl, mode, size, seconds)
                samples[(impl, mode, size)].append(m["messages"] / (m["ns"] / 1e9))
    if as_json:
        print(json.dumps({"versions": versions(), "rounds": rounds, "seconds": seconds,
                          "results": [{"impl": i, "mode": m, "size": s, "per_s": v,
                                       "median": statistics.median(v)}
                                      for (i, m, s), v in samples.items()]}))
        return
    v = versions()
    print(f"vodozemac {v['vodozemac']}, python-olm {v['python-olm']}, Python {v['python']}; "
          f"{rounds} rounds of {seconds} s per cell; messages/s, median [min - max]")
    for mode, size in cells:
        row = f"{size:>6} B {mode:<12}"
        for impl in IMPLS:
            s = samples[(impl, mode, size)]
            row += f"  {impl} {statistics.median(s):>9,.0f} [{min(s):,.0f} - {max(s):,.0f}]"
        print(row)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command", nargs="?", choices=["serve"])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=0.5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.command == "serve":
        serve()
    else:
        standalone(args.rounds, args.seconds, args.json)


if __name__ == "__main__":
    main()
