// variance-client.d.ts against rpc-spec/openrpc.json (no engine needed).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { generate, OUTPUT_PATH, SPEC_PATH } from "../gen-types.mjs";
import { methodName } from "../variance-client.mjs";

const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8"));

test("variance-client.d.ts is what gen-types.mjs makes of the spec today", () => {
  assert.ok(readFileSync(OUTPUT_PATH, "utf8") === generate(spec),
    "clients/node/variance-client.d.ts is stale: run node clients/node/gen-types.mjs");
});

test("the declarations name every method and notification of the spec", () => {
  const declarations = readFileSync(OUTPUT_PATH, "utf8");
  for (const method of spec.methods) {
    assert.ok(declarations.includes(`  ${JSON.stringify(method.name)}: { params: `), method.name);
    assert.match(declarations, new RegExp(`^  ${methodName(method.name).replace("$", "\\$")}\\(params`, "m"), method.name);
  }
  for (const notification of spec["x-notifications"]) {
    assert.ok(declarations.includes(`  ${JSON.stringify(notification.name)}: `), notification.name);
  }
});
