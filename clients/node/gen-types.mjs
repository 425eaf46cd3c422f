// gen-types.mjs: the TypeScript declarations of variance-client.mjs (variance-client.d.ts)
// from rpc-spec/openrpc.json: each method's params and result, each notification's params,
// the spec's schemas, and the Engine class with one typed method per engine method.
//
//   node clients/node/gen-types.mjs          (writes clients/node/variance-client.d.ts)
//
// test/spec.test.mjs checks that the file is what this makes of the spec today.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_PATH = join(here, "..", "..", "rpc-spec", "openrpc.json");
export const OUTPUT_PATH = join(here, "variance-client.d.ts");

/** messages.markRead -> messagesMarkRead; $/cancelRequest -> cancelRequest (as the module). */
const methodName = (wire) => wire.replace(/^\$\//, "").replace(/\.(\w)/g, (_, c) => c.toUpperCase());
/** messages.markRead -> MessagesMarkRead. */
const typeName = (wire) => {
  const name = methodName(wire);
  return name[0].toUpperCase() + name.slice(1);
};
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** The TypeScript type of a JSON schema, nested lines indented by `indent`. */
export function tsType(schema, indent = "") {
  if (!schema || typeof schema !== "object") return "unknown";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf ?? schema.anyOf).map((s) => tsType(s, indent)).join(" | ");
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.map((type) => {
    switch (type) {
      case "string": return "string";
      case "integer": case "number": return "number";
      case "boolean": return "boolean";
      case "null": return "null";
      case "array": {
        const item = tsType(schema.items, indent);
        return /[ |{]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case "object": return objectType(schema, indent);
      default: return "unknown";
    }
  }).join(" | ");
}

function objectType(schema, indent) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return schema.additionalProperties === false ? "Record<string, never>" : "Record<string, unknown>";
  const required = new Set(schema.required ?? []);
  const inner = indent + "  ";
  const lines = properties.map(([name, property]) =>
    `${inner}${key(name)}${required.has(name) ? "" : "?"}: ${tsType(property, inner)};`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function paramsType(method) {
  const params = method.params ?? [];
  if (params.length === 0) return "Record<string, never>";
  const lines = params.map((p) =>
    `${p.description ? `  /** ${p.description} */\n` : ""}  ${key(p.name)}${p.required ? "" : "?"}: ${tsType(p.schema, "  ")};`);
  return `{\n${lines.join("\n")}\n}`;
}

const doc = (text, indent = "") => (text ? `${indent}/** ${text.replace(/\*\//g, "*\\/")} */\n` : "");

/** The text of variance-client.d.ts for SPEC. */
export function generate(spec) {
  const out = [];
  out.push("// Generated from rpc-spec/openrpc.json by clients/node/gen-types.mjs; do not edit.");
  out.push('import { EventEmitter } from "node:events";', "");
  out.push("// -- Schemas", "");
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    out.push(`${doc(schema.description ?? schema.title)}export type ${name} = ${tsType(schema)};`, "");
  }
  out.push("// -- Methods", "");
  for (const method of spec.methods) {
    const name = typeName(method.name);
    out.push(`${doc(method.name)}export type ${name}Params = ${paramsType(method)};`);
    out.push(`export type ${name}Result = ${tsType(method.result?.schema)};`, "");
  }
  out.push("/** Each method's params and result, by wire name. */");
  out.push("export interface Methods {");
  for (const method of spec.methods) {
    const name = typeName(method.name);
    out.push(`  ${JSON.stringify(method.name)}: { params: ${name}Params; result: ${name}Result };`);
  }
  out.push("}", "");
  out.push("// -- Notifications", "");
  out.push("/** Each notification's params, by name. */");
  out.push("export interface Notifications {");
  for (const notification of spec["x-notifications"] ?? []) {
    out.push(`${doc(notification.summary, "  ")}  ${JSON.stringify(notification.name)}: ${tsType(notification.params, "  ")};`);
  }
  out.push("}", "");
  out.push("// -- Errors", "");
  out.push("export declare const ErrorCode: Readonly<{");
  for (const name of ["PARSE_ERROR", "INVALID_REQUEST", "METHOD_NOT_FOUND", "INVALID_PARAMS", "INTERNAL_ERROR",
    "REQUEST_CANCELLED", "NO_IDENTITY", "NOT_FOUND", "UNREACHABLE", "TOO_LARGE", "CONFLICT", "CRYPTO_FAILURE"]) {
    out.push(`  ${name}: number;`);
  }
  out.push("}>;", "");
  out.push(STATIC_PART);
  for (const method of spec.methods) {
    const name = typeName(method.name);
    const optional = (method.params ?? []).every((p) => !p.required) ? "?" : "";
    out.push(`${doc(method.summary, "  ")}  ${methodName(method.name)}(params${optional}: ${name}Params): Promise<${name}Result>;`);
  }
  out.push("}", "");
  return out.join("\n");
}

const STATIC_PART = `export declare const DEFAULT_TIMEOUT_MS: number;

export declare class RPCError extends Error {
  code: number;
  rpcMessage: string;
  data: unknown;
  method: string | undefined;
}

export declare class EngineFailed extends Error {
  reason: string;
  exitCode: number | null | undefined;
}

export declare class EngineClosed extends Error {}

export declare function methodName(wire: string): string;

export interface SpawnOptions {
  args?: string[];
  stderr?: "inherit" | "ignore" | "pipe";
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ReplayedEvent {
  seq: number;
  method: keyof Notifications | string;
  params: Record<string, unknown>;
}

export declare class Engine extends EventEmitter {
  static spawn(enginePath: string, dataDir: string | null, options?: SpawnOptions): Promise<Engine>;
  readonly readyParams: Notifications["engine.ready"] | null;
  lastSeq: number;
  exitCode: number | string | null;
  readonly document: Record<string, unknown> | null;
  call<M extends keyof Methods>(method: M, params?: Methods[M]["params"], options?: { timeoutMs?: number }): Promise<Methods[M]["result"]>;
  call(method: string, params?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
  notify(method: string, params?: Record<string, unknown>): void;
  waitFor<N extends keyof Notifications>(method: N, predicate?: (params: Notifications[N]) => boolean, options?: { timeoutMs?: number }): Promise<Notifications[N]>;
  events(options?: { after?: number; kinds?: string[] | null; follow?: boolean }): AsyncGenerator<ReplayedEvent, void, undefined>;
  close(options?: { timeoutMs?: number }): Promise<number | string | null>;
  on<N extends keyof Notifications>(event: N, listener: (params: Notifications[N]) => void): this;
  on(event: "notification", listener: (method: string, params: Record<string, unknown>) => void): this;
  on(event: "exit", listener: (code: number | string | null) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT_PATH, generate(JSON.parse(readFileSync(SPEC_PATH, "utf8"))));
  console.log(`wrote ${OUTPUT_PATH}`);
}
