#!/usr/bin/env python3
"""rpc-client as a person uses it: in a pseudo-terminal, keys in, the screen checked.

    scripts/rpc-client-pty-test.py      (RPC_CLIENT and VARIANCE_ENGINE pick the binaries;
                                         default: the checkout's .build/debug/ ones)

Runs `rpc-client` (which spawns a real `variance-engine`) under a pty made by Python's
`pty` module, types keys into it and reads what it draws through a small terminal emulator
(enough of VT100/xterm for libedit: CR, LF, BS, erase in line, cursor moves). Checks the
prompt, tab completion, a call and its pretty-printed reply, history (up arrow, within a
session and across sessions), a notification drawn above the prompt while a line is half
typed (the line survives and is sent whole), the shorthands `:help`, `:replay [AFTER]` and
`/msg` (a second engine, driven directly over JSON-RPC, receives the message), Ctrl-C
(clears the line; the engine lives on) and Ctrl-D (exits with status 0).

Prints "ok - NAME" or "not ok - NAME" (with the screen) per test, then "N passed, M failed".
Every wait is for something on the screen or from the engine, bounded by TIMEOUT seconds.
Standard library only.
"""
from __future__ import annotations

import codecs
import fcntl
import json
import os
import pty
import queue
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RPC_CLIENT = os.environ.get("RPC_CLIENT", os.path.join(ROOT, ".build/debug/rpc-client"))
ENGINE = os.environ.get("VARIANCE_ENGINE", os.path.join(ROOT, ".build/debug/variance-engine"))
TIMEOUT = float(os.environ.get("VARIANCE_TIMEOUT", "60"))
ROWS, COLS = 60, 200
PROMPT = "variance> "
UP, TAB, ENTER, CTRL_C, CTRL_D, CTRL_U = "\x1b[A", "\t", "\r", "\x03", "\x04", "\x15"


class Screen:
    """What a terminal would show: lines of text (kept whole, scrollback included) and a cursor."""

    def __init__(self) -> None:
        self.lines: list[list[str]] = [[]]
        self.row = 0
        self.col = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                end = self._escape(text, i)
                if end is None:  # an incomplete sequence: wait for the rest
                    self._pending = text[i:]
                    return
                i = end
                continue
            if ch == "\r":
                self.col = 0
            elif ch == "\n":
                self._down(1)
            elif ch == "\b":
                self.col = max(0, self.col - 1)
            elif ch == "\t":
                self.col = (self.col // 8 + 1) * 8
            elif ch >= " ":
                if self.col >= COLS:
                    self.col = 0
                    self._down(1)
                line = self.lines[self.row]
                line.extend(" " * (self.col + 1 - len(line)))
                line[self.col] = ch
                self.col += 1
            i += 1

    def _down(self, n: int) -> None:
        self.row += n
        while len(self.lines) <= self.row:
            self.lines.append([])

    def _escape(self, text: str, i: int) -> int | None:
        """Applies the escape sequence at text[i]; returns the index after it (None: incomplete)."""
        if i + 1 >= len(text):
            return None
        kind = text[i + 1]
        if kind == "[":
            j = i + 2
            while j < len(text) and "\x30" <= text[j] <= "\x3f":
                j += 1
            while j < len(text) and "\x20" <= text[j] <= "\x2f":
                j += 1
            if j >= len(text):
                return None
            self._csi(text[i + 2:j], text[j])
            return j + 1
        if kind == "]":  # OSC ... BEL or ST
            for j in range(i + 2, len(text)):
                if text[j] == "\x07":
                    return j + 1
                if text[j] == "\x1b" and j + 1 < len(text) and text[j + 1] == "\\":
                    return j + 2
            return None
        if kind in "()*+#":  # charset selection and the like: one more character
            return i + 3 if i + 2 < len(text) else None
        return i + 2  # ESC = , ESC > , ESC 7 ... : nothing to draw

    def _csi(self, params: str, final: str) -> None:
        numbers = [int(p) if p.isdigit() else 0 for p in params.lstrip("?>").split(";")] if params else []
        n = numbers[0] if numbers and numbers[0] > 0 else 1
        line = self.lines[self.row]
        if final == "K":
            mode = numbers[0] if numbers else 0
            if mode == 0:
                del line[self.col:]
            elif mode == 1:
                line[:self.col + 1] = [" "] * min(len(line), self.col + 1)
            else:
                line.clear()
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode == 0:
                del line[self.col:]
                del self.lines[self.row + 1:]
        elif final == "G":
            self.col = n - 1
        elif final == "C":
            self.col += n
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self._down(n)
        elif final in "Hf":
            top = max(0, len(self.lines) - ROWS)
            row = numbers[0] if numbers and numbers[0] > 0 else 1
            col = numbers[1] if len(numbers) > 1 and numbers[1] > 0 else 1
            self.row = top + row - 1
            self._down(0)
            self.col = col - 1
        elif final == "P":  # delete characters
            del line[self.col:self.col + n]
        elif final == "@":  # insert blanks
            line[self.col:self.col] = [" "] * n
        # m (colours), h/l (modes) and the rest draw nothing.

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)

    def cursor_line(self) -> str:
        return "".join(self.lines[self.row]).rstrip()


class Repl:
    """rpc-client in a pty."""

    def __init__(self, work: str, data_dir: str, *engine_args: str) -> None:
        self.history = os.path.join(work, "rpc-history")
        # The engine's standard error shares the terminal: keep its warnings (a peer that
        # went away, ...) off the screen being checked.
        argv = [RPC_CLIENT, "--", ENGINE, "--data-dir", data_dir, "--log-level", "error", *engine_args]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env = dict(os.environ, TERM="xterm", NO_COLOR="1", HOME=work, VARIANCE_RPC_HISTORY=self.history)
            env.pop("COLUMNS", None)
            env.pop("LINES", None)
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.screen = Screen()
        self.raw = b""
        self.closed = False
        self.status: int | None = None

    def _read(self, timeout: float) -> None:
        if self.closed:
            time.sleep(min(timeout, 0.05))
            return
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the client closed the terminal
            data = b""
        if not data:
            self.closed = True
            return
        self.raw += data
        self.screen.feed(data)

    def wait_for(self, what: str, predicate, timeout: float = TIMEOUT):
        """Reads until predicate(screen) is truthy; returns its value. Raises on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self.screen)
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            self._read(min(left, 0.2))

    def wait_text(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        """The first match of the regular expression `pattern` on the screen, once there is one."""
        return self.wait_for(repr(pattern), lambda s: re.search(pattern, s.text(), re.M), timeout)

    def wait_prompt(self, typed: str = "") -> None:
        """Waits until the cursor is on a prompt holding exactly `typed`, at its end."""
        line = PROMPT + typed
        self.wait_for(f"the prompt {line!r} with the cursor at its end",
                      lambda s: s.cursor_line() == line.rstrip() and s.col == len(line))

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.screen.text(), re.M))

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """Reads to the end of the output and reaps the client; its exit status."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            if not self.closed:
                self._read(0.2)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                while not self.closed:
                    self._read(0.2)
            elif time.monotonic() > deadline:
                raise AssertionError(f"rpc-client did not exit within {timeout:.0f} s")
        return self.status

    def kill(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.status = -9
        try:
            os.close(self.fd)
        except OSError:
            pass


class Peer:
    """A second engine driven directly over newline-delimited JSON-RPC."""

    def __init__(self, data_dir: str) -> None:
        self.process = subprocess.Popen([ENGINE, "--data-dir", data_dir], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.frames: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_notification("engine.ready")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.frames.put(json.loads(line))
        self.frames.put(None)

    def _next(self, deadline: float, what: str) -> dict:
        try:
            frame = self.frames.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"the peer engine: timed out waiting for {what}") from None
        if frame is None:
            raise AssertionError(f"the peer engine exited while waiting for {what}")
        return frame

    def call(self, method: str, **params):
        request_id = self.next_id
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        while True:
            frame = self._next(deadline, f"the reply to {method}")
            if frame.get("id") == request_id:
                if "error" in frame:
                    raise AssertionError(f"the peer engine: {method} failed: {frame['error']}")
                return frame["result"]
            self.notifications.append(frame)

    def wait_notification(self, method: str, predicate=lambda params: True) -> dict:
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while True:
            for frame in self.notifications[seen:]:
                if frame.get("method") == method and predicate(frame.get("params", {})):
                    self.notifications.remove(frame)
                    return frame["params"]
            seen = len(self.notifications)
            self.notifications.append(self._next(deadline, f"a {method} notification"))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- the tests ----------------------------------------------------------------------------

def started(work: str, name: str, *engine_args: str) -> Repl:
    repl = Repl(work, os.path.join(work, name), *engine_args)
    repl.wait_text(r"^← engine\.ready ")
    repl.wait_prompt()
    return repl


def wait_for_catalog(repl: Repl) -> None:
    """Waits until rpc.discover has answered (`:methods` lists the methods), asking again
    each time `:methods` says it has not."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        not_yet = repl.count(r"^\(rpc\.discover has not answered\)$")
        repl.type(":methods" + ENTER)
        found = repl.wait_for(":methods to answer", lambda s: re.search(r"^engine\.info$", s.text(), re.M)
                              or repl.count(r"^\(rpc\.discover has not answered\)$") > not_yet)
        if found is not True and not isinstance(found, int):
            repl.wait_prompt()
            return
        if time.monotonic() > deadline:
            raise AssertionError("rpc.discover did not answer")
        repl.wait_prompt()


def reply_block(repl: Repl, number: int) -> str:
    """The text of reply #number: from its first line to the closing brace at column 0."""
    return repl.wait_text(rf"^← #{number} (\{{\n(?:  .*\n)*\}}|\{{.*\}})$").group(1)


def test_prompt_completion_and_a_pretty_printed_reply(work: str) -> None:
    repl = started(work, "completion")
    try:
        # The catalog comes from rpc.discover; Tab on a unique prefix completes the method.
        wait_for_catalog(repl)
        repl.type("engine.in" + TAB)
        repl.wait_prompt("engine.info ")
        repl.type(ENTER)
        block = reply_block(repl, 1)
        assert block.splitlines()[1:] == [
            '  "version": "0.1.0",', '  "protocolVersion": 1,',
            f'  "dataDir": "{os.path.join(work, "completion")}",', '  "identity": "none"', "}"], block
        repl.wait_prompt()
        # Param names complete after the method name.
        repl.type("messages.send con" + TAB)
        repl.wait_prompt("messages.send conversation=")
        repl.type(CTRL_U)
        repl.wait_prompt()
        repl.type(CTRL_D)
        assert repl.wait_exit() == 0
    finally:
        repl.kill()


def test_history_by_up_arrow_within_and_across_sessions(work: str) -> None:
    repl = started(work, "history")
    try:
        repl.type("engine.info" + ENTER)
        reply_block(repl, 1)
        repl.wait_prompt()
        repl.type('identity.create passphrase="not for the history file"' + ENTER)
        repl.wait_text(r'^  "mnemonic": \[')
        repl.wait_prompt()
        repl.type(UP)  # the passphrase line is not kept: up brings engine.info
        repl.wait_prompt("engine.info")
        repl.type(ENTER)
        reply_block(repl, 3)
        repl.wait_prompt()
        repl.type(CTRL_D)
        assert repl.wait_exit() == 0
    finally:
        repl.kill()
    with open(repl.history, encoding="utf-8", errors="replace") as f:
        saved = f.read()
    assert "engine.info" in saved and "passphrase" not in saved, saved
    again = started(work, "history")
    try:
        again.type(UP)
        again.wait_prompt("engine.info")
        again.type(CTRL_U + CTRL_D)
        assert again.wait_exit() == 0
    finally:
        again.kill()


def test_ctrl_c_clears_the_line_and_ctrl_d_exits_cleanly(work: str) -> None:
    repl = started(work, "ctrl-d")
    try:
        repl.type("engine.info")
        repl.wait_prompt("engine.info")
        repl.type(CTRL_C)  # SIGINT reaches the client, not the engine (its own process group)
        repl.wait_text(r"^variance> engine\.info\^C$")
        repl.wait_prompt()
        repl.type("identity.show" + ENTER)  # the engine is still there
        repl.wait_text(r"^← #1 error -32001: ")
        repl.wait_prompt()
        repl.type(CTRL_D)
        assert repl.wait_exit() == 0, f"exit status {repl.status}"
        assert "rpc-client:" not in repl.screen.text(), repl.screen.text()
    finally:
        repl.kill()


def test_help_and_shorthand_errors(work: str) -> None:
    repl = started(work, "help")
    try:
        repl.type(":help" + ENTER)
        repl.wait_text(r"^  :replay \[AFTER\] ")
        repl.wait_text(r"^  /msg CONVERSATION TEXT ")
        repl.wait_prompt()
        wait_for_catalog(repl)
        repl.type(":help messages.send" + ENTER)
        repl.wait_text(r"^  text \(required\)")
        repl.type(":replay soon" + ENTER)
        repl.wait_text(r"^'soon' is not an event seq")
        repl.type("/msg did:key:z6MkOnlyAConversation" + ENTER)
        repl.wait_text(r"^Usage: /msg CONVERSATION TEXT$")
        repl.type(":nope" + ENTER)
        repl.wait_text(r"^Unknown command :nope; :help lists the commands\.$")
        repl.wait_prompt()
        repl.type(":re" + TAB)  # the commands complete like methods
        repl.wait_prompt(":replay ")
        repl.type(CTRL_U + ":quit" + ENTER)
        assert repl.wait_exit() == 0
    finally:
        repl.kill()


def test_two_engines_notification_msg_and_replay(work: str) -> None:
    """alice at the REPL, bob a bare engine: a message arrives while alice is typing."""
    repl = started(work, "alice", "--listen", "/ip4/127.0.0.1/tcp/0")
    bob = None
    try:
        repl.type("identity.create username=alice" + ENTER)
        alice_did = re.search(r'"did": "(did:key:[^"]+)"', reply_block(repl, 1)).group(1)
        repl.wait_prompt()
        repl.type("node.status" + ENTER)
        status = reply_block(repl, 2)
        address = re.search(r'"listenAddrs": \["([^"]+)"', status).group(1)
        repl.wait_prompt()

        bob = Peer(os.path.join(work, "bob"))
        bob_did = bob.call("identity.create", username="bob")["did"]
        bob.call("contacts.add", did=alice_did, multiaddr=address)
        repl.wait_text(r'^← node\.status \{(.*\n)*?  "connectedPeers": 1,')
        repl.wait_prompt()

        # A line half typed when the message arrives: drawn above it, the line kept.
        repl.type("engine.in")
        repl.wait_prompt("engine.in")
        bob.call("messages.send", conversation=alice_did, text="hello alice")
        repl.wait_text(r'^← message\.received \{(.*\n)*?    "text": "hello alice",')
        repl.wait_prompt("engine.in")
        repl.type("fo" + ENTER)
        assert f'"dataDir": "{os.path.join(work, "alice")}"' in reply_block(repl, 3)
        repl.wait_prompt()

        # /msg: the rest of the line is the text, quotes and all.
        repl.type(f'/msg {bob_did} hi bob, it\'s "alice"  here' + ENTER)
        assert '"status": "queued"' in reply_block(repl, 4) or "queued" in repl.screen.text()
        received = bob.wait_notification("message.received",
                                          lambda p: p["message"]["from"] == alice_did)
        assert received["message"]["text"] == 'hi bob, it\'s "alice"  here', received

        # :replay lists the persisted events; :replay AFTER only the later ones.
        repl.wait_prompt()
        repl.type(":replay" + ENTER)
        head = repl.wait_text(r"^← #5 events\.replay after 0: (\d+) events \(last seq (\d+)\)$")
        repl.wait_text(r"^  \[1\] identity\.changed \{")
        repl.wait_text(r"^  \[\d+\] message\.received \{")
        total = int(head.group(1))
        assert total >= 3 and int(head.group(2)) >= total, head.group(0)
        repl.wait_prompt()
        repl.type(":replay 1" + ENTER)
        later = repl.wait_text(r"^← #6 events\.replay after 1: (\d+) events?")
        block = repl.screen.text()[later.start():]
        assert "[1] " not in block and "[2] " in block, block
        repl.wait_prompt()
        repl.type(CTRL_D)
        assert repl.wait_exit() == 0
        with open(repl.history, encoding="utf-8", errors="replace") as f:
            saved = f.read()
        # Kept: the requests; not kept: the message sent (its text stays off the disk).
        assert "node.status" in saved and "/msg" not in saved, saved
    finally:
        repl.kill()
        if bob:
            bob.close()


TESTS = [
    test_prompt_completion_and_a_pretty_printed_reply,
    test_history_by_up_arrow_within_and_across_sessions,
    test_ctrl_c_clears_the_line_and_ctrl_d_exits_cleanly,
    test_help_and_shorthand_errors,
    test_two_engines_notification_msg_and_replay,
]


def main() -> int:
    passed = failed = 0
    missing = [path for path in (RPC_CLIENT, ENGINE) if not os.access(path, os.X_OK)]
    if missing:
        print(f"rpc-client-pty-test: not built: {', '.join(missing)} "
              "(swift build --product rpc-client; swift build --product variance-engine)", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    selected = [t for t in TESTS if not sys.argv[1:] or any(a in t.__name__ for a in sys.argv[1:])]
    for test in selected:
        name = test.__name__.removeprefix("test_")
        work = tempfile.mkdtemp(prefix="rpc-client-pty.")
        repls: list[Repl] = []
        original = Repl.__init__

        def tracking(self, *args, **kwargs):
            original(self, *args, **kwargs)
            repls.append(self)

        Repl.__init__ = tracking
        try:
            test(work)
            passed += 1
            print(f"ok - {name}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok - {name}", flush=True)
            for line in traceback.format_exc().rstrip().splitlines():
                print("    " + line)
            for repl in repls:
                print("    screen (last 40 lines):")
                for line in repl.screen.text().splitlines()[-40:]:
                    print("    | " + line)
        finally:
            Repl.__init__ = original
            for repl in repls:
                repl.kill()
            shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
