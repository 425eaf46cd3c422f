// The Node client against the real engine ($VARIANCE_ENGINE, else the checkout's
// .build/debug/variance-engine). Every wait is for a reply, a notification or an exit,
// bounded by 60 s; none is a sleep.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

import { Engine, ErrorCode, RPCError, methodName } from "../variance-client.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const ENGINE = process.env.VARIANCE_ENGINE ?? join(root, ".build", "debug", "variance-engine");
const SPEC = JSON.parse(readFileSync(join(root, "rpc-spec", "openrpc.json"), "utf8"));
const PASSPHRASE = "correct horse battery staple";
const TIMEOUT = 60_000;

const work = mkdtempSync(join(tmpdir(), "variance-node-test."));
after(() => rmSync(work, { recursive: true, force: true }));
const dir = (name) => join(work, name);
// Every engine a test starts; any still running when the tests end (a test failed or
// timed out before closing it) is killed, so that the run always ends.
const engines = [];
after(async () => {
  for (const engine of engines) if (engine.exitCode === null) await engine.close({ timeoutMs: 5_000 });
});
const spawnEngine = async (name, options = {}) => {
  const engine = await Engine.spawn(ENGINE, dir(name), { stderr: "ignore", ...options });
  engines.push(engine);
  return engine;
};

async function nextMatching(events, predicate) {
  for await (const event of events) if (predicate(event)) return event;
  throw new Error("the events ended first");
}

test("identity.create then identity.show, and after a restart", { timeout: TIMEOUT }, async () => {
  let engine = await spawnEngine("alice");
  assert.equal(engine.readyParams.identity, "none");
  const info = await engine.engineInfo();
  assert.equal(info.identity, "none");
  assert.equal(info.dataDir, dir("alice"));
  const created = await engine.identityCreate({ username: "alice" });
  assert.match(created.did, /^did:key:z6Mk/);
  assert.equal(created.mnemonic.length, 24);
  const shown = await engine.identityShow();
  assert.deepEqual([shown.did, shown.peerId, shown.username], [created.did, created.peerId, "alice"]);
  assert.equal(await engine.close(), 0);

  engine = await spawnEngine("alice");
  assert.equal(engine.readyParams.identity, "ready");
  assert.equal((await engine.identityShow()).did, created.did);
  assert.equal(await engine.close(), 0);
});

test("errors reject with RPCError and its code", { timeout: TIMEOUT }, async () => {
  let engine = await spawnEngine("errors");
  await assert.rejects(engine.identityShow(), (e) =>
    e instanceof RPCError && e.code === ErrorCode.NO_IDENTITY && e.method === "identity.show"
      && e.rpcMessage.includes("identity.create"));
  await assert.rejects(engine.call("no.such.method"), (e) =>
    e.code === ErrorCode.METHOD_NOT_FOUND && e.rpcMessage.includes("no.such.method"));
  await assert.rejects(engine.identityCreate({ username: "Not A Valid Username!" }), (e) =>
    e.code === ErrorCode.INVALID_PARAMS && e.data.field === "username");
  await engine.identityCreate({ passphrase: PASSPHRASE });
  assert.equal(await engine.close(), 0);

  engine = await spawnEngine("errors");
  assert.equal(engine.readyParams.identity, "locked");
  await assert.rejects(engine.identityUnlock({ passphrase: "wrong" }), (e) => e.code === ErrorCode.CRYPTO_FAILURE);
  assert.ok((await engine.identityUnlock({ passphrase: PASSPHRASE })).did, "still usable after errors");
  assert.equal(await engine.close(), 0);
});

test("concurrent calls get their own answers", { timeout: TIMEOUT }, async () => {
  const engine = await spawnEngine("concurrent");
  const results = await Promise.allSettled([
    ...Array.from({ length: 20 }, () => engine.engineInfo()),
    engine.call("no.such.method"),
  ]);
  for (const r of results.slice(0, 20)) assert.equal(r.value.dataDir, dir("concurrent"));
  assert.equal(results[20].status, "rejected");
  assert.equal(results[20].reason.code, ErrorCode.METHOD_NOT_FOUND);
  assert.equal(await engine.close(), 0);
});

test("events resume after a restart from the last seq handled", { timeout: TIMEOUT }, async () => {
  let engine = await spawnEngine("bob");
  const { did } = await engine.identityCreate({ username: "bob", passphrase: PASSPHRASE });
  const first = await nextMatching(engine.events({ after: 0 }), () => true);
  assert.deepEqual([first.method, first.seq, first.params.did, first.params.state], ["identity.changed", 1, did, "ready"]);
  const lastSeen = first.seq;
  assert.equal(await engine.close(), 0);

  engine = await spawnEngine("bob");
  assert.equal(engine.readyParams.identity, "locked");
  // Following from the last seq handled while the identity is locked: nothing to replay
  // yet, so the iterator waits; the unlock's event (seq 2) comes, once.
  const events = engine.events({ after: lastSeen });
  const next = events.next();
  await engine.identityUnlock({ passphrase: PASSPHRASE });
  const unlocked = (await next).value;
  assert.deepEqual([unlocked.method, unlocked.seq, unlocked.params.did], ["identity.changed", 2, did]);
  await events.return();
  // Everything after the last seq handled, from the database: the unlock, nothing else.
  const missed = [];
  for await (const e of engine.events({ after: lastSeen, follow: false })) missed.push(e);
  assert.deepEqual(missed.map((e) => [e.method, e.seq, e.params.did, e.params.state]),
    [["identity.changed", 2, did, "ready"]]);
  assert.equal(await engine.close(), 0);
});

test("two engines exchange a direct message", { timeout: TIMEOUT }, async () => {
  const alice = await spawnEngine("dm-alice", { args: ["--listen", "/ip4/127.0.0.1/tcp/0"] });
  const bob = await spawnEngine("dm-bob");
  try {
    const aliceId = await alice.identityCreate({ username: "alice" });
    const bobId = await bob.identityCreate({ username: "bob" });
    const status = await alice.nodeStatus();
    assert.ok(status.listenAddrs.length > 0, JSON.stringify(status));
    const added = await bob.contactsAdd({ did: aliceId.did, multiaddr: status.listenAddrs[0] });
    assert.equal(added.contact.did, aliceId.did);

    const received = alice.waitFor("message.received", (p) => p.message.text === "hello alice");
    const delivered = bob.waitFor("message.status", (p) => p.status === "delivered");
    const sent = await bob.messagesSend({ conversation: aliceId.did, text: "hello alice" });
    assert.equal(sent.status, "queued");
    const message = (await received).message;
    assert.deepEqual([message.id, message.from, message.conversation], [sent.id, bobId.did, bobId.did]);
    assert.equal((await delivered).id, sent.id);

    const reply = bob.waitFor("message.received", (p) => p.message.text === "hello bob");
    await alice.messagesSend({ conversation: bobId.did, text: "hello bob", replyTo: sent.id });
    assert.equal((await reply).message.replyTo, sent.id);
    const listed = await bob.messagesList({ conversation: aliceId.did });
    assert.deepEqual(listed.messages.map((m) => m.text), ["hello bob", "hello alice"]);
  } finally {
    assert.equal(await bob.close(), 0);
    assert.equal(await alice.close(), 0);
  }
});

test("every method of rpc-spec/openrpc.json is a method of the Engine", { timeout: TIMEOUT }, async () => {
  const engine = await spawnEngine("spec");
  try {
    const served = engine.document.methods.map((m) => m.name).sort();
    assert.deepEqual(served, SPEC.methods.map((m) => m.name).sort(), "the engine serves the spec's methods");
    for (const method of SPEC.methods) {
      assert.equal(typeof engine[methodName(method.name)], "function", method.name);
    }
    assert.equal(methodName("messages.markRead"), "messagesMarkRead");
    assert.equal(methodName("$/cancelRequest"), "cancelRequest");
    const codes = Object.values(SPEC.components.errors).map((e) => e.code).sort();
    for (const code of codes) assert.ok(Object.values(ErrorCode).includes(code), `error code ${code}`);
  } finally {
    assert.equal(await engine.close(), 0);
  }
});

test("the echo bot example answers a message", { timeout: TIMEOUT }, async () => {
  const bot = spawn(process.execPath, [join(here, "..", "examples", "echo-bot.mjs"), dir("echobot"), ENGINE],
    { stdio: ["ignore", "pipe", "ignore"] });
  const exited = once(bot, "exit");
  try {
    const [line] = await once(createInterface({ input: bot.stdout }), "line");
    const { did, address } = JSON.parse(line);
    const bob = await spawnEngine("echo-bob");
    await bob.identityCreate({ username: "bob" });
    await bob.contactsAdd({ did, multiaddr: address });
    const echoed = bob.waitFor("message.received", (p) => p.message.from === did);
    const sent = await bob.messagesSend({ conversation: did, text: "ping" });
    const reply = (await echoed).message;
    assert.deepEqual([reply.text, reply.replyTo], ["echo: ping", sent.id]);
    assert.equal(await bob.close(), 0);
  } finally {
    bot.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
  }
});
