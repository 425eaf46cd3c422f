// variance-client.mjs: spawn variance-engine and talk JSON-RPC 2.0 to it (newline-delimited
// JSON on its standard input and output). An ES module with no dependencies beyond Node's
// own (node >= 18), usable as is from an Electron main process.
//
//   import { Engine } from "./variance-client.mjs";
//   const engine = await Engine.spawn(".build/debug/variance-engine", "/tmp/alice");
//   engine.on("message.received", (params) => console.log(params.message.text));
//   const me = await engine.identityCreate({ username: "alice" });
//   for await (const event of engine.events({ after: 0 })) console.log(event.seq, event.method);
//   await engine.close();
//
// Every method the engine lists in rpc.discover is a method of the Engine, named in
// camelCase (messages.send -> messagesSend, $/cancelRequest -> cancelRequest) and taking
// the params object; engine.call(method, params) sends any request by name. Notifications
// are emitted twice: as "notification" (method, params) and under their own name (params).

import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";

/** Codes of JSON-RPC 2.0 and of the engine (rpc-spec/openrpc.json, RPC-CONTRACT.md). */
export const ErrorCode = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  REQUEST_CANCELLED: -32800,
  NO_IDENTITY: -32001,
  NOT_FOUND: -32002,
  UNREACHABLE: -32003,
  TOO_LARGE: -32004,
  CONFLICT: -32005,
  CRYPTO_FAILURE: -32006,
});

export const DEFAULT_TIMEOUT_MS = 60_000;
const REPLAY_PAGE = 1000;

/** The engine answered a request with a JSON-RPC error. */
export class RPCError extends Error {
  constructor(code, message, data, method) {
    super(`${method ? method + ": " : ""}${message} (${code})`);
    this.name = "RPCError";
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
    this.method = method;
  }
}

/** The engine could not start: it sent engine.failed, exited, or never got ready. */
export class EngineFailed extends Error {
  constructor(reason, exitCode) {
    super(exitCode == null ? reason : `${reason} (exit code ${exitCode})`);
    this.name = "EngineFailed";
    this.reason = reason;
    this.exitCode = exitCode;
  }
}

/** The engine's output ended before the answer came. */
export class EngineClosed extends Error {
  constructor(message = "the engine exited before answering") {
    super(message);
    this.name = "EngineClosed";
  }
}

/** messages.markRead -> messagesMarkRead; $/cancelRequest -> cancelRequest. */
export function methodName(wire) {
  return wire.replace(/^\$\//, "").replace(/\.(\w)/g, (_, c) => c.toUpperCase());
}

/** A running variance-engine, spawned as a child process. */
export class Engine extends EventEmitter {
  /**
   * Starts the engine and resolves once it has sent engine.ready and answered rpc.discover.
   * @param {string} enginePath the variance-engine binary
   * @param {string | null} dataDir its --data-dir (null: the engine's default)
   * @param {{args?: string[], stderr?: "inherit" | "ignore" | "pipe", timeoutMs?: number, env?: object}} options
   */
  static async spawn(enginePath, dataDir, options = {}) {
    const { args = [], stderr = "inherit", timeoutMs = DEFAULT_TIMEOUT_MS, env } = options;
    const argv = [...(dataDir != null ? ["--data-dir", dataDir] : []), ...args];
    const child = spawn(enginePath, argv, { stdio: ["pipe", "pipe", stderr], env: env ?? process.env });
    const engine = new Engine(child, timeoutMs);
    await engine.#ready;
    engine.#document = await engine.call("rpc.discover");
    for (const method of engine.#document.methods ?? []) {
      const name = methodName(method.name);
      if (!(name in engine)) {
        Object.defineProperty(engine, name, {
          value: (params) => engine.call(method.name, params),
          enumerable: false,
        });
      }
    }
    return engine;
  }

  #child;
  #nextId = 1;
  #pending = new Map();
  #ready;
  #document = null;
  #exit;
  #timeoutMs;
  #live = new Set();

  constructor(child, timeoutMs = DEFAULT_TIMEOUT_MS) {
    super();
    this.#child = child;
    this.#timeoutMs = timeoutMs;
    /** The params of engine.ready: {version, protocolVersion, identity, did?}. */
    this.readyParams = null;
    /** The highest seq of any notification received so far (0 if none). */
    this.lastSeq = 0;
    /** The engine's exit code once it has exited (null before; a signal name if killed). */
    this.exitCode = null;

    let settleReady;
    this.#ready = new Promise((resolve, reject) => (settleReady = { resolve, reject }));
    const timer = setTimeout(
      () => settleReady.reject(new EngineFailed(`no engine.ready within ${timeoutMs} ms`)), timeoutMs);
    this.#ready.finally(() => clearTimeout(timer)).catch(() => {});
    this.#ready.catch(() => child.kill("SIGTERM"));

    this.#exit = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitCode = code ?? signal;
        for (const { reject } of this.#pending.values()) reject(new EngineClosed());
        this.#pending.clear();
        for (const queue of this.#live) queue.push(null);
        settleReady.reject(new EngineFailed("the engine exited before engine.ready", code));
        this.emit("exit", this.exitCode);
        resolve(this.exitCode);
      });
    });
    child.on("error", (error) => settleReady.reject(new EngineFailed(error.message)));
    child.stdin.on("error", () => {}); // EPIPE after the engine exited: the exit reports it.

    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on("line", (line) => {
      if (!line.trim()) return;
      let frame;
      try {
        frame = JSON.parse(line);
      } catch {
        this.emit("noise", line);
        return;
      }
      this.#dispatch(frame, settleReady);
    });
  }

  #dispatch(frame, settleReady) {
    if (Array.isArray(frame)) {
      for (const element of frame) this.#dispatch(element, settleReady);
      return;
    }
    if (frame.id !== undefined && frame.id !== null && ("result" in frame || "error" in frame)) {
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      this.#pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (frame.error) {
        const { code, message, data } = frame.error;
        pending.reject(new RPCError(code, message, data, pending.method));
      } else {
        pending.resolve(frame.result);
      }
      return;
    }
    if (typeof frame.method !== "string") return;
    const params = frame.params ?? {};
    if (frame.method === "engine.ready") {
      this.readyParams = params;
      settleReady.resolve();
    } else if (frame.method === "engine.failed") {
      settleReady.reject(new EngineFailed(params.reason ?? "engine.failed"));
    }
    if (Number.isInteger(params.seq) && params.seq > this.lastSeq) this.lastSeq = params.seq;
    for (const queue of this.#live) queue.push({ method: frame.method, params, seq: params.seq ?? null });
    this.emit("notification", frame.method, params);
    this.emit(frame.method, params);
  }

  /** The OpenRPC document the engine gave at start-up. */
  get document() {
    return this.#document;
  }

  /** Sends METHOD with PARAMS (an object, or omitted); resolves with the result. */
  call(method, params, { timeoutMs = this.#timeoutMs } = {}) {
    if (this.exitCode !== null) return Promise.reject(new EngineClosed("the engine has exited"));
    const id = this.#nextId++;
    const request = { jsonrpc: "2.0", id, method };
    if (params !== undefined) request.params = params;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, method, timer });
      this.#child.stdin.write(JSON.stringify(request) + "\n");
    });
  }

  /** Sends METHOD as a notification (no id, no answer). */
  notify(method, params) {
    const message = { jsonrpc: "2.0", method };
    if (params !== undefined) message.params = params;
    this.#child.stdin.write(JSON.stringify(message) + "\n");
  }

  /** The next notification METHOD whose params satisfy PREDICATE (from now on). */
  waitFor(method, predicate = () => true, { timeoutMs = this.#timeoutMs } = {}) {
    return new Promise((resolve, reject) => {
      const listener = (params) => {
        if (!predicate(params)) return;
        cleanup();
        resolve(params);
      };
      const exited = () => {
        cleanup();
        reject(new EngineClosed(`the engine exited while waiting for ${method}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off(method, listener);
        this.off("exit", exited);
      };
      this.on(method, listener);
      this.on("exit", exited);
    });
  }

  /**
   * The events after seq AFTER: first those the engine kept (events.replay, page by page),
   * then live ones as they come, each once and in seq order; KINDS narrows them. Without
   * FOLLOW the iterator ends once the kept events are through. Resume after a restart by
   * passing the last seq handled.
   */
  async *events({ after = 0, kinds = null, follow = true } = {}) {
    const queue = [];
    let wake = null;
    const live = { push: (item) => { queue.push(item); wake?.(); } };
    this.#live.add(live);
    const wanted = (event) => event.seq != null && (!kinds || kinds.includes(event.method));
    let last = after;
    try {
      for (;;) {
        let page;
        try {
          page = await this.call("events.replay", { after: last, limit: REPLAY_PAGE });
        } catch (error) {
          if (error instanceof RPCError && error.code === ErrorCode.NO_IDENTITY) break; // locked: live only
          throw error;
        }
        for (const event of page.events) {
          last = event.seq;
          if (!kinds || kinds.includes(event.method)) yield event;
        }
        if (page.events.length < REPLAY_PAGE) break;
      }
      if (!follow) return;
      for (;;) {
        while (queue.length === 0) await new Promise((resolve) => (wake = resolve));
        const event = queue.shift();
        if (event === null) return;
        if (event.seq == null || event.seq <= last) continue;
        if (event.seq > last + 1) {
          // A gap (events persisted while replay was refused, or before we subscribed):
          // fill it from the database first.
          const page = await this.call("events.replay", { after: last, limit: REPLAY_PAGE }).catch(() => null);
          for (const missed of page?.events ?? []) {
            if (missed.seq <= last || missed.seq >= event.seq) continue;
            last = missed.seq;
            if (wanted(missed)) yield missed;
          }
        }
        last = event.seq;
        if (wanted(event)) yield event;
      }
    } finally {
      this.#live.delete(live);
    }
  }

  /** Closes the engine's input and waits for it to exit; resolves with its exit code. */
  async close({ timeoutMs = this.#timeoutMs } = {}) {
    if (this.exitCode === null) this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.#exit;
    } finally {
      clearTimeout(timer);
    }
  }
}
