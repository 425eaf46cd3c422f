#!/usr/bin/env node
// A tiny bot: answers each direct message with "echo: TEXT". Usable as is from an Electron
// main process (import Engine the same way; no npm dependencies).
//
//   node clients/node/examples/echo-bot.mjs DATA_DIR [ENGINE]
//
// ENGINE defaults to $VARIANCE_ENGINE, else the checkout's .build/debug/variance-engine.
// It listens on 127.0.0.1 (a free port), creates an identity on first use, and prints one
// JSON line {did, address} so that others can add it (contacts.add {did, multiaddr}).
// It resumes from the last event it handled (kept in DATA_DIR/echo-bot.seq), so messages
// that arrived while it was not running are answered too. Ends on SIGINT/SIGTERM.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Engine } from "../variance-client.mjs";

const [dataDir, enginePath = process.env.VARIANCE_ENGINE ??
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", ".build", "debug", "variance-engine")] =
  process.argv.slice(2);
if (!dataDir) {
  console.error("usage: echo-bot.mjs DATA_DIR [ENGINE]");
  process.exit(2);
}

const engine = await Engine.spawn(enginePath, dataDir, { args: ["--listen", "/ip4/127.0.0.1/tcp/0"] });
const me = engine.readyParams.identity === "none" ? await engine.identityCreate({ username: "echobot" })
  : await engine.identityShow();
const status = await engine.nodeStatus();
console.log(JSON.stringify({ did: me.did, address: status.listenAddrs[0] }));

const seqFile = join(dataDir, "echo-bot.seq");
let after = 0;
try { after = Number(readFileSync(seqFile, "utf8")) || 0; } catch { /* first run */ }

const stop = () => engine.close();
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

for await (const event of engine.events({ after, kinds: ["message.received"] })) {
  const { conversation, message } = event.params;
  if (message.from !== me.did) {
    await engine.messagesSend({ conversation, text: `echo: ${message.text}`, replyTo: message.id });
  }
  writeFileSync(seqFile, String(event.seq));
}
