"""Drives two variance-engine processes and prints the JSON-RPC lines they exchange."""
import json
import subprocess
import sys

engine, work = sys.argv[1], sys.argv[2]
COLORS = {"alice": "\033[35m", "bob": "\033[36m"} if sys.stdout.isatty() else {"alice": "", "bob": ""}
RESET = "\033[0m" if sys.stdout.isatty() else ""


class Engine:
    def __init__(self, name):
        self.name = name
        self.next_id = 1
        self.proc = subprocess.Popen(
            [engine, "--data-dir", f"{work}/{name}"],
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

    def close(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        print(f"{self.name:>5} exited with {code}")


alice, bob = Engine("alice"), Engine("bob")
a = alice.call("identity.create", username="alice")
b = bob.call("identity.create", username="bob", passphrase="correct horse battery staple")
alice.call("identity.show")
bob.call("identity.show")
assert a["did"] != b["did"]
bob.close()
bob = Engine("bob")  # restart: the identity is passphrase-protected, so it starts locked
bob.call("engine.info")
bob.call("identity.unlock", passphrase="correct horse battery staple")
bob.call("events.replay", after=0)
print()
print(f"alice is {a['did']}")
print(f"bob   is {b['did']}")
print("Direct messages between them arrive with the messaging issue (docs/ROADMAP.md).")
alice.close()
bob.close()
