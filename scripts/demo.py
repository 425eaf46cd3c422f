"""Drives two variance-engine processes through a conversation and prints every JSON-RPC line."""
import json
import subprocess
import sys

engine, work = sys.argv[1], sys.argv[2]
COLORS = {"alice": "\033[35m", "bob": "\033[36m"} if sys.stdout.isatty() else {"alice": "", "bob": ""}
RESET = "\033[0m" if sys.stdout.isatty() else ""


class Engine:
    def __init__(self, name, *args):
        self.name = name
        self.next_id = 1
        self.proc = subprocess.Popen(
            [engine, "--data-dir", f"{work}/{name}", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.show("←", self.read())  # engine.ready

    def show(self, arrow, message):
        print(f"{COLORS[self.name]}{self.name:>5} {arrow} {json.dumps(message)}{RESET}")

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"{self.name}: the engine exited")
        return json.loads(line)

    def call(self, method, **params):
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.next_id += 1
        self.show("→", request)
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        while True:
            message = self.read()
            self.show("←", message)
            if message.get("id") == request["id"]:
                if "error" in message:
                    sys.exit(f"{self.name}: {method} failed: {message['error']['message']}")
                return message["result"]

    def wait_for(self, method):
        """Reads (and shows) frames until a notification named `method` arrives."""
        while True:
            message = self.read()
            self.show("←", message)
            if message.get("method") == method:
                return message["params"]

    def wait_until(self, method, **fields):
        """Reads (and shows) frames until a `method` notification whose params have `fields`."""
        while True:
            params = self.wait_for(method)
            if all(params.get(k) == v for k, v in fields.items()):
                return params

    def close(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        print(f"{self.name:>5} exited with {code}")


alice = Engine("alice", "--listen", "/ip4/127.0.0.1/tcp/0")
bob = Engine("bob")
a = alice.call("identity.create", username="alice")
b = bob.call("identity.create", username="bob", passphrase="correct horse battery staple")
address = alice.call("node.status")["listenAddrs"][0]

# Bob adds alice by her DID and an address (discovery arrives with its issue), then they talk:
# every message is Olm-encrypted, carried over libp2p (TCP, Noise, yamux).
bob.call("contacts.add", did=a["did"], multiaddr=address, nickname="alice")
sent = bob.call("messages.send", conversation=a["did"], text="hello alice, it's bob")
received = alice.wait_for("message.received")
assert received["message"]["text"] == "hello alice, it's bob"
# Statuses move queued → sent → delivered (alice's delivery receipt).
bob.wait_until("message.status", id=sent["id"], status="delivered")
# Alice types (an ephemeral signal), then replies; bob reads it and alice sees "read".
alice.call("typing.set", conversation=b["did"], active=True)
bob.wait_until("typing", active=True)
reply = alice.call("messages.send", conversation=b["did"], text="hi bob!", replyTo=sent["id"])
bob.wait_for("message.received")
bob.call("messages.markRead", conversation=a["did"], upTo=reply["id"])
alice.wait_until("message.status", id=reply["id"], status="read")
bob.call("contacts.fingerprint", did=a["did"])
alice.call("contacts.fingerprint", did=b["did"])
bob.call("messages.list", conversation=a["did"])

# Restart bob: his identity is passphrase-protected, so it starts locked; nothing is lost.
bob.close()
bob = Engine("bob")
bob.call("identity.unlock", passphrase="correct horse battery staple")
history = bob.call("messages.list", conversation=a["did"])
assert [m["text"] for m in history["messages"]] == ["hi bob!", "hello alice, it's bob"]
print()
print(f"alice is {a['did']}")
print(f"bob   is {b['did']}")
print("They exchanged Olm-encrypted messages over libp2p (sent, delivered, read; typing; the same")
print("safety number on both sides); bob's history survived a restart.")
alice.close()
bob.close()
