#!/usr/bin/env python3
"""An mls-rs group member (agentvault-mls-rs-uniffi 0.1.1) driven over stdin/stdout.

One JSON object per line in, one per line out. Binary values are hex. Used by
VarianceMLSTests/MLSInteropTests as a differential peer for cipher suite 1.

  {"op": "key_package"}                      -> {"message": MLSMessage(KeyPackage)}
  {"op": "create", "group_id": h, "tree_extension": b} -> {} (b false: tree sent out of band)
  {"op": "join", "welcome": h}               -> {}
  {"op": "add", "key_package": h}            -> {"commit": h, "welcome": h, "ratchet_tree": h}
  {"op": "commit"}                           -> {"commit": h} (with every proposal received)
  {"op": "propose_add", "key_package": h}    -> {"messages": [h]}
  {"op": "encrypt", "data": h}               -> {"message": h}
  {"op": "process", "message": h}            -> {"kind": "application", "data": h} | {"kind": "commit"} | ...
  {"op": "export", "label": h, "context": h, "length": n} -> {"secret": h}
Errors answer {"error": text}.
"""
import json
import sys

import mls_rs_uniffi as mls

suite = mls.CipherSuite.CURVE25519_AES128
keypair = mls.generate_signature_keypair(suite)
client = mls.Client(b"mls-rs-peer", keypair, mls.client_config_default())
group = None


def handle(request):
    global group, client
    op = request["op"]
    if op == "key_package":
        return {"message": client.generate_key_package_message().to_bytes().hex()}
    if op == "create":
        if not request.get("tree_extension", True):
            default = mls.client_config_default()
            config = mls.ClientConfig(
                group_state_storage=default.group_state_storage, use_ratchet_tree_extension=False)
            client = mls.Client(b"mls-rs-peer", keypair, config)
        group = client.create_group(bytes.fromhex(request["group_id"]))
        return {}
    if op == "join":
        group = client.join_group(None, mls.Message.from_bytes(bytes.fromhex(request["welcome"]))).group
        return {}
    if op == "add":
        output = group.add_members([mls.Message.from_bytes(bytes.fromhex(request["key_package"]))])
        group.process_incoming_message(output.commit_message)  # mls-rs applies its own commit this way
        reply = {"commit": output.commit_message.to_bytes().hex(), "welcome": output.welcome_message.to_bytes().hex()}
        if output.ratchet_tree is not None:
            reply["ratchet_tree"] = output.ratchet_tree.bytes.hex()
        return reply
    if op == "commit":
        output = group.commit()
        group.process_incoming_message(output.commit_message)
        return {"commit": output.commit_message.to_bytes().hex()}
    if op == "propose_add":
        messages = group.propose_add_members([mls.Message.from_bytes(bytes.fromhex(request["key_package"]))])
        return {"messages": [message.to_bytes().hex() for message in messages]}
    if op == "encrypt":
        return {"message": group.encrypt_application_message(bytes.fromhex(request["data"])).to_bytes().hex()}
    if op == "process":
        received = group.process_incoming_message(mls.Message.from_bytes(bytes.fromhex(request["message"])))
        if received.is_application_message():
            return {"kind": "application", "data": received.data.hex()}
        if received.is_commit():
            return {"kind": "commit", "removed": received.effect.is_removed()}
        if received.is_received_proposal():
            return {"kind": "proposal"}
        return {"kind": type(received).__name__}
    if op == "export":
        secret = group.export_secret(
            bytes.fromhex(request["label"]), bytes.fromhex(request["context"]), request["length"])
        return {"secret": secret.hex()}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    try:
        reply = handle(json.loads(line))
    except Exception as error:  # the Swift side reports it
        reply = {"error": repr(error)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
