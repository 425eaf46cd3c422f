#!/usr/bin/env python3
"""Generates variance_client/_generated.py from rpc-spec/openrpc.json.

    python3 clients/python/gen_methods.py            # rewrite the module
    python3 clients/python/gen_methods.py --check    # exit 1 if the module is stale
    python3 clients/python/gen_methods.py --spec FILE --output FILE

The module holds a TypedDict per object schema (components, method results, notification
params), a mixin class `GeneratedMethods` with one typed coroutine per method, the method
and notification tables, and the error codes. Output depends only on the document, so the
tests regenerate it and compare (tests/test_spec.py).
"""
from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SPEC = HERE.parent.parent / "rpc-spec" / "openrpc.json"
DEFAULT_OUTPUT = HERE / "variance_client" / "_generated.py"


def snake(name: str) -> str:
    """`cancelRequest` -> `cancel_request`; Python keywords get a trailing underscore."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_")
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()
    if keyword.iskeyword(s) or not s.isidentifier():
        s += "_"
    return s


def method_attr(method: str) -> str:
    """`identity.create` -> `identity_create`; `$/cancelRequest` -> `cancel_request`."""
    return snake(method.removeprefix("$/"))


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


class Generator:
    def __init__(self, spec: dict):
        self.spec = spec
        self.schemas = spec.get("components", {}).get("schemas", {})
        self.typeddicts: list[str] = []  # rendered definitions, in order of first need
        self.defined: set[str] = set()

    # -- types ---------------------------------------------------------------------------
    def ref_name(self, ref: str) -> str:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise SystemExit(f"unsupported $ref {ref}")
        return ref[len(prefix):]

    def py_type(self, schema: dict, hint: str) -> str:
        """A Python annotation (as text) for a JSON Schema; objects with properties become
        TypedDicts named after `hint`."""
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            target = self.schemas[name]
            if self.is_record(target):
                self.typed_dict(name, target)
                return name
            return self.py_type(target, name)
        if "oneOf" in schema or "anyOf" in schema:
            alts = schema.get("oneOf") or schema.get("anyOf")
            return self.union([self.py_type(a, f"{hint}{i}") for i, a in enumerate(alts)])
        t = schema.get("type")
        if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
            return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
        if isinstance(t, list):
            return self.union([self.py_type({**schema, "type": x}, hint) for x in t])
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "null":
            return "None"
        if t == "array":
            return f"list[{self.py_type(schema.get('items', {}), hint + 'Item')}]"
        if t == "object" or "properties" in schema:
            if self.is_record(schema):
                self.typed_dict(hint, schema)
                return hint
            return "dict[str, Any]"
        return "Any"

    @staticmethod
    def union(parts: list[str]) -> str:
        seen: list[str] = []
        for p in parts:
            if p not in seen:
                seen.append(p)
        return " | ".join(seen)

    @staticmethod
    def is_record(schema: dict) -> bool:
        return bool(schema.get("properties"))

    def typed_dict(self, name: str, schema: dict) -> None:
        if name in self.defined:
            return
        self.defined.add(name)
        required = set(schema.get("required", []))
        fields = []
        for prop, sub in schema["properties"].items():
            annotation = self.py_type(sub, name + pascal(prop))
            if prop not in required:
                annotation = f"NotRequired[{annotation}]"
            fields.append(f"    {json.dumps(prop)}: {annotation},")
        doc = schema.get("description")
        lines = [f"{name} = TypedDict({json.dumps(name)}, {{", *fields, "})"]
        if doc:
            lines.insert(0, f"# {doc}")
        self.typeddicts.append("\n".join(lines))

    # -- the module ----------------------------------------------------------------------
    def render(self) -> str:
        methods_src = []
        table = []
        for m in self.spec["methods"]:
            methods_src.append(self.method(m))
            table.append(f"    {json.dumps(m['name'])}: {json.dumps(method_attr(m['name']))},")
        notif_rows = []
        for n in self.spec.get("x-notifications", []):
            ptype = self.py_type(n.get("params", {}), pascal(n["name"]) + "Params")
            notif_rows.append(f"    {json.dumps(n['name'])}: {json.dumps(ptype)},")
        errors = self.spec.get("components", {}).get("errors", {})
        error_rows = [f"    {json.dumps(k)}: {v['code']}," for k, v in errors.items()]
        info = self.spec.get("info", {})
        out = [
            '"""Generated by clients/python/gen_methods.py from rpc-spec/openrpc.json',
            f"(OpenRPC {self.spec.get('openrpc')}, {info.get('title')} {info.get('version')}). Do not edit.",
            '"""',
            "from __future__ import annotations",
            "",
            "from typing import Any, Literal, NotRequired, TypedDict",
            "",
            f"SPEC_VERSION = {json.dumps(info.get('version'))}",
            "",
            "# Object schemas: components, method results and notification params.",
            "",
            "\n\n".join(self.typeddicts),
            "",
            "# Wire method name -> Python method name on Engine.",
            "METHODS: dict[str, str] = {",
            *table,
            "}",
            "",
            "# Notification name -> the type of its params.",
            "NOTIFICATIONS: dict[str, str] = {",
            *notif_rows,
            "}",
            "",
            "# Application error codes of the document (components/errors).",
            "ERROR_CODES: dict[str, int] = {",
            *error_rows,
            "}",
            "",
            "",
            "class GeneratedMethods:",
            '    """One coroutine per method of the OpenRPC document. Optional params left as None',
            '    are not sent."""',
            "",
            "    async def call(self, method: str, /, **params: Any) -> Any:  # provided by Engine",
            "        raise NotImplementedError",
            "",
            "\n\n".join(methods_src),
            "",
        ]
        return "\n".join(out)

    def method(self, m: dict) -> str:
        name = m["name"]
        attr = method_attr(name)
        hint = pascal(name.removeprefix("$/"))
        result_type = self.py_type(m.get("result", {}).get("schema", {}), hint + "Result")
        params = m.get("params", [])
        # Required params first (keyword-only anyway), in document order.
        ordered = [p for p in params if p.get("required")] + [p for p in params if not p.get("required")]
        sig = ["self"]
        if ordered:
            sig.append("*")
        doc = [m.get("summary", "").strip() or name]
        arg_lines = []
        mapping = []
        for p in ordered:
            py = snake(p["name"])
            t = self.py_type(p.get("schema", {}), hint + pascal(p["name"]))
            if p.get("required"):
                sig.append(f"{py}: {t}")
            else:
                optional = t if t == "None" or t.endswith(" | None") else f"{t} | None"
                sig.append(f"{py}: {optional} = None")
            mapping.append(f"{json.dumps(p['name'])}: {py}")
            desc = p.get("description", "")
            arg_lines.append(f"    {py} ({'required' if p.get('required') else 'optional'})"
                             + (f": {desc}" if desc else ""))
        errs = []
        for e in m.get("errors", []):
            if "$ref" in e:
                key = e["$ref"].rsplit("/", 1)[-1]
                e = {**self.spec["components"]["errors"][key], "name": key}
            label = f"{e['code']} {e['name']}" if e.get("name") else str(e["code"])
            errs.append(f"    {label}: {e.get('message', '')}".rstrip())
        docstring = [f"`{name}`: {doc[0]}"]
        if arg_lines:
            docstring += ["", "Params:", *arg_lines]
        if errs:
            docstring += ["", "Errors:", *errs]
        if len(docstring) == 1:
            rendered = f'        """{docstring[0]}"""'
        else:
            inner = "\n".join(("        " + line) if line else "" for line in docstring)
            rendered = '        """' + inner.lstrip() + '\n        """'
        body = [f"    async def {attr}({', '.join(sig)}) -> {result_type}:", rendered]
        if mapping:
            body.append(f"        params = {{{', '.join(mapping)}}}")
            body.append(f"        return await self.call({json.dumps(name)}, **{{k: v for k, v in params.items() if v is not None}})")
        else:
            body.append(f"        return await self.call({json.dumps(name)})")
        return "\n".join(body)


def generate(spec: dict) -> str:
    return Generator(spec).render()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = ap.parse_args()
    text = generate(json.loads(args.spec.read_text(encoding="utf-8")))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python3 {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
