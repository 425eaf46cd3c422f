#!/usr/bin/env python3
"""Generates docs/RPC.md, the RPC reference, from rpc-spec/openrpc.json.

    scripts/gen-rpc-doc.py                  # rewrite docs/RPC.md
    scripts/gen-rpc-doc.py -o -             # print it
    scripts/gen-rpc-doc.py --check          # exit 1 if docs/RPC.md is stale
    scripts/gen-rpc-doc.py --spec FILE -o FILE

Every method (summary, params with types and whether required, a summary of the result
schema, errors), every notification (x-notifications) and every shared schema and error.
The output depends only on the document: same document, same bytes.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "rpc-spec" / "openrpc.json"
DEFAULT_OUTPUT = ROOT / "docs" / "RPC.md"

# JSON-RPC 2.0's own codes, which any request can get (they are not in the document).
STANDARD_ERRORS = [
    (-32700, "Parse error", "Not JSON, invalid UTF-8, or a line over the size limit (id null)."),
    (-32600, "Invalid request", "Not a JSON-RPC 2.0 request object."),
    (-32601, "Method not found", "The message names the method."),
    (-32602, "Invalid params", "data: {field, reason}; also for positional (array) params."),
    (-32603, "Internal error", "Never carries secrets or stack traces."),
    (-32800, "Request cancelled", "The request was cancelled by $/cancelRequest."),
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    return f"`{text}`"


class Doc:
    def __init__(self, spec: dict):
        self.spec = spec
        self.components = spec.get("components", {})
        self.schemas = self.components.get("schemas", {})
        self.errors = self.components.get("errors", {})

    # -- schema rendering ----------------------------------------------------------------
    def ref_name(self, ref: str) -> str:
        return ref.rsplit("/", 1)[-1]

    def type_of(self, schema: dict) -> str:
        """A short type description, with links to shared schemas."""
        if not isinstance(schema, dict) or not schema:
            return "any"
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            return f"[{name}](#schema-{slug(name)})"
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return " or ".join(self.type_of(s) for s in schema[key])
        if "const" in schema:
            return code(json.dumps(schema["const"]))
        if "enum" in schema:
            return "one of " + ", ".join(code(json.dumps(v)) for v in schema["enum"])
        t = schema.get("type")
        if isinstance(t, list):
            return " or ".join(self.type_of({**schema, "type": x}) for x in t)
        if t == "array":
            return f"array of {self.type_of(schema.get('items', {}))}"
        if t is None and "properties" in schema:
            return "object"
        return t or "any"

    @staticmethod
    def constraints(schema: dict) -> str:
        if not isinstance(schema, dict):
            return ""
        parts = []
        if "pattern" in schema:
            parts.append(f"pattern {code(schema['pattern'])}")
        for key, label in (("minimum", "min"), ("maximum", "max"), ("minLength", "min length"),
                           ("maxLength", "max length"), ("minItems", "min items"),
                           ("maxItems", "max items")):
            if key in schema:
                parts.append(f"{label} {schema[key]}")
        if "default" in schema:
            parts.append(f"default {code(json.dumps(schema['default']))}")
        if schema.get("required") and not schema.get("properties"):
            parts.append("with at least " + ", ".join(code(r) for r in schema["required"]))
        return "; ".join(parts)

    def describe(self, schema: dict, description: str | None = None) -> str:
        text = (description if description is not None else schema.get("description", "")) or ""
        extra = self.constraints(schema)
        if extra:
            text = f"{text} ({extra})" if text else extra
        return text

    def rows(self, schema: dict, prefix: str = "") -> list[tuple[str, str, str, str]]:
        """(name, type, required, description) for each property, nested inline objects
        flattened as `a.b` and arrays of inline objects as `a[].b`."""
        out = []
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            full = prefix + name
            out.append((code(full), self.type_of(sub), "yes" if name in required else "no",
                        self.describe(sub)))
            if isinstance(sub, dict) and "properties" in sub and "$ref" not in sub:
                out += self.rows(sub, full + ".")
            items = sub.get("items") if isinstance(sub, dict) else None
            if isinstance(items, dict) and "properties" in items and "$ref" not in items:
                out += self.rows(items, full + "[].")
        return out

    @staticmethod
    def table(header: list[str], rows: list[tuple]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        return lines

    def object_summary(self, schema: dict, what: str) -> list[str]:
        """Lines describing an object-ish schema: its type and its members."""
        lines = []
        target = schema
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            target = self.schemas.get(name, {})
            lines.append(f"{what}: {self.type_of(schema)}.")
        rows = self.rows(target)
        if rows:
            if "$ref" not in schema:
                lines.append(f"{what}: an object.")
            lines += ["", *self.table(["member", "type", "required", "description"], rows)]
        elif "$ref" not in schema:
            kind = self.type_of(schema)
            if kind == "object" and not target.get("required"):
                lines.append(f"{what}: an empty object, `{{}}`." if target.get("additionalProperties") is False
                             else f"{what}: an object.")
            elif target.get("required"):
                members = ", ".join(code(r) for r in target["required"])
                lines.append(f"{what}: {kind}, with at least {members}.")
            else:
                lines.append(f"{what}: {kind}.")
        if target.get("description") and "$ref" not in schema:
            lines += ["", cell(target["description"])]
        return lines

    def error_rows(self, errors: list[dict]) -> list[tuple[str, str, str]]:
        rows = []
        for e in errors:
            name = ""
            if "$ref" in e:
                name = self.ref_name(e["$ref"])
                e = self.errors.get(name, {})
            rows.append((str(e.get("code", "")), name, e.get("message", "")))
        return rows

    # -- the document --------------------------------------------------------------------
    def render(self) -> str:
        info = self.spec.get("info", {})
        methods = self.spec.get("methods", [])
        notifications = self.spec.get("x-notifications", [])
        out = [
            "<!-- Generated by scripts/gen-rpc-doc.py from rpc-spec/openrpc.json: do not edit;",
            "     change the document and run scripts/gen-rpc-doc.py. -->",
            f"# {info.get('title', 'RPC')} RPC reference",
            "",
            f"Version {info.get('version', '?')} (OpenRPC {self.spec.get('openrpc', '?')})"
            + (f", licence {info['license']['name']}" if info.get("license", {}).get("name") else "")
            + ". The machine-readable original is `rpc-spec/openrpc.json` (also `rpc.discover`,"
            " and `variance-engine --openrpc`).",
            "",
        ]
        if info.get("description"):
            out += [info["description"], ""]
        out += ["## Contents", "", "Methods:", ""]
        out += [f"- [{code(m['name'])}](#method-{slug(m['name'])}): {cell(m.get('summary', ''))}"
                for m in methods]
        out += ["", "Notifications (engine to client, no id):", ""]
        out += [f"- [{code(n['name'])}](#notification-{slug(n['name'])}): {cell(n.get('summary', ''))}"
                for n in notifications]
        out += ["", "Also: [errors](#errors), [schemas](#schemas).", ""]

        out += ["## Methods", ""]
        for m in methods:
            out += self.method(m)
        out += ["## Notifications", ""]
        for n in notifications:
            out += [f'<a id="notification-{slug(n["name"])}"></a>', "", f"### {code(n['name'])}", ""]
            if n.get("summary"):
                out += [n["summary"], ""]
            if n.get("description"):
                out += [n["description"], ""]
            out += self.object_summary(n.get("params", {}), "Params") + [""]
        out += ['<a id="errors"></a>', "", "## Errors", "",
                "Errors of the engine (`components/errors`), named in the methods above:", ""]
        out += self.table(["code", "name", "message"],
                          [(str(e.get("code")), name, e.get("message", ""))
                           for name, e in self.errors.items()])
        out += ["", "JSON-RPC 2.0's own errors, which any request can get:", ""]
        out += self.table(["code", "name", "meaning"], [(str(c), n, d) for c, n, d in STANDARD_ERRORS])
        out += ["", '<a id="schemas"></a>', "", "## Schemas", ""]
        for name, schema in self.schemas.items():
            out += [f'<a id="schema-{slug(name)}"></a>', "", f"### {code(name)}", ""]
            rows = self.rows(schema)
            if rows:
                out += ["An object." + (f" {schema['description']}" if schema.get("description") else ""), ""]
                out += self.table(["member", "type", "required", "description"], rows)
            else:
                extra = self.constraints(schema)
                out.append(self.type_of(schema) + (f"; {extra}" if extra else "") + ".")
                if schema.get("description"):
                    out += ["", schema["description"]]
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    def method(self, m: dict) -> list[str]:
        name = m["name"]
        out = [f'<a id="method-{slug(name)}"></a>', "", f"### {code(name)}", ""]
        if m.get("summary"):
            out += [m["summary"], ""]
        if m.get("description"):
            out += [m["description"], ""]
        params = m.get("params", [])
        if params:
            structure = m.get("paramStructure")
            out += ["Params" + (f" ({structure})" if structure else "") + ":", ""]
            out += self.table(
                ["name", "type", "required", "description"],
                [(code(p["name"]), self.type_of(p.get("schema", {})), "yes" if p.get("required") else "no",
                  self.describe(p.get("schema", {}), p.get("description", ""))) for p in params])
        else:
            out.append("Params: none.")
        out.append("")
        result = m.get("result")
        if result:
            out += self.object_summary(result.get("schema", {}), "Result")
            out.append("")
        errors = self.error_rows(m.get("errors", []))
        if errors:
            out += ["Errors:", ""]
            out += self.table(["code", "name", "message"], errors)
            out.append("")
        return out


def generate(spec: dict) -> str:
    return Doc(spec).render()


def main() -> int:
    ap = argparse.ArgumentParser(description="Generate docs/RPC.md from rpc-spec/openrpc.json.")
    ap.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help="file, or - for stdout")
    ap.add_argument("--check", action="store_true", help="exit 1 if the output file is stale")
    args = ap.parse_args()
    text = generate(json.loads(args.spec.read_text(encoding="utf-8")))
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    if args.check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            print(f"{output} is stale: run scripts/gen-rpc-doc.py", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
