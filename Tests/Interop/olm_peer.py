#!/usr/bin/env python3
"""Olm interop peer for VarianceOlm tests (OlmInteropTests.swift).

JSON lines on stdin, one JSON reply per line on stdout. Byte strings are standard base64
(padding optional). One account and at most one session per process.

  {"op":"init","impl":"vodozemac"|"olm"}           -> {"identity_key","ed25519_key"}
  {"op":"one_time_keys","count":N}                 -> {"keys":[b64...]}   (marked published)
  {"op":"fallback_key"}                            -> {"key":b64}
  {"op":"outbound","identity_key","one_time_key"}  -> {"session_id"}
  {"op":"inbound","identity_key","body"}           -> {"session_id","plaintext"}
  {"op":"encrypt","plaintext"}                     -> {"type":0|1,"body"}
  {"op":"decrypt","type","body"}                   -> {"plaintext"}
  {"op":"sign","message"}                          -> {"signature"}
Errors: {"error": "<exception class>: <text>"}; the session is unchanged by a failed decrypt.
"""
import base64
import json
import sys


def b64d(s: str) -> bytes:
    return base64.b64decode(s + "=" * (-len(s) % 4))


def b64e(b: bytes) -> str:
    return base64.b64encode(b).decode().rstrip("=")


class VodozemacPeer:
    def __init__(self):
        import vodozemac
        self.v = vodozemac
        self.account = vodozemac.Account()
        self.session = None

    def identity(self):
        return self.account.curve25519_key.to_base64(), self.account.ed25519_key.to_base64()

    def one_time_keys(self, n):
        self.account.generate_one_time_keys(n)
        keys = [k.to_base64() for k in self.account.one_time_keys.values()]
        self.account.mark_keys_as_published()
        return keys

    def fallback_key(self):
        self.account.generate_fallback_key()
        keys = [k.to_base64() for k in self.account.fallback_key.values()]
        self.account.mark_keys_as_published()
        return keys[0]

    def outbound(self, identity_key, one_time_key):
        v = self.v
        self.session = self.account.create_outbound_session(
            v.Curve25519PublicKey.from_base64(identity_key), v.Curve25519PublicKey.from_base64(one_time_key))
        return self.session.session_id

    def inbound(self, identity_key, body):
        v = self.v
        msg = v.AnyOlmMessage.from_parts(0, body).to_pre_key()
        self.session, plaintext = self.account.create_inbound_session(
            v.Curve25519PublicKey.from_base64(identity_key), msg)
        return self.session.session_id, plaintext

    def encrypt(self, plaintext):
        return self.session.encrypt(plaintext).to_parts()

    def decrypt(self, mtype, body):
        return self.session.decrypt(self.v.AnyOlmMessage.from_parts(mtype, body))

    def sign(self, message):
        return b64d(self.account.sign(message).to_base64())


class LibolmPeer:
    def __init__(self):
        import olm
        self.olm = olm
        self.account = olm.Account()
        self.session = None

    def identity(self):
        keys = self.account.identity_keys
        return keys["curve25519"], keys["ed25519"]

    def one_time_keys(self, n):
        self.account.generate_one_time_keys(n)
        keys = list(self.account.one_time_keys["curve25519"].values())
        self.account.mark_keys_as_published()
        return keys

    def fallback_key(self):
        self.account.generate_fallback_key()
        keys = list(self.account.fallback_key["curve25519"].values())
        self.account.mark_keys_as_published()
        return keys[0]

    def outbound(self, identity_key, one_time_key):
        self.session = self.olm.OutboundSession(self.account, identity_key, one_time_key)
        return self.session.id

    def inbound(self, identity_key, body):
        msg = self.olm.OlmPreKeyMessage(b64e(body))
        session = self.olm.InboundSession(self.account, msg, identity_key)
        plaintext = self._decrypt(session, msg)
        self.account.remove_one_time_keys(session)
        self.session = session
        return session.id, plaintext

    def encrypt(self, plaintext):
        m = self.session.encrypt(plaintext)
        return m.message_type, b64d(m.ciphertext)

    def _decrypt(self, session, msg):
        text = session.decrypt(msg, unicode_errors="surrogateescape")
        return text.encode("utf-8", "surrogateescape")

    def decrypt(self, mtype, body):
        cls = self.olm.OlmPreKeyMessage if mtype == 0 else self.olm.OlmMessage
        return self._decrypt(self.session, cls(b64e(body)))

    def sign(self, message):
        return b64d(self.account.sign(message))


def handle(peer, req):
    op = req["op"]
    if op == "one_time_keys":
        return {"keys": peer.one_time_keys(int(req["count"]))}
    if op == "fallback_key":
        return {"key": peer.fallback_key()}
    if op == "outbound":
        return {"session_id": peer.outbound(req["identity_key"], req["one_time_key"])}
    if op == "inbound":
        sid, plaintext = peer.inbound(req["identity_key"], b64d(req["body"]))
        return {"session_id": sid, "plaintext": b64e(plaintext)}
    if op == "encrypt":
        mtype, body = peer.encrypt(b64d(req["plaintext"]))
        return {"type": mtype, "body": b64e(body)}
    if op == "decrypt":
        return {"plaintext": b64e(peer.decrypt(int(req["type"]), b64d(req["body"])))}
    if op == "sign":
        return {"signature": b64e(peer.sign(b64d(req["message"])))}
    raise ValueError(f"unknown op {op}")


def main():
    peer = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            if req["op"] == "init":
                peer = VodozemacPeer() if req.get("impl", "vodozemac") == "vodozemac" else LibolmPeer()
                ik, ed = peer.identity()
                reply = {"identity_key": ik, "ed25519_key": ed}
            else:
                reply = handle(peer, req)
        except Exception as e:  # every request gets exactly one reply
            reply = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
