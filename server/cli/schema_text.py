"""A skill's JSON schemas as lines a person reads in a terminal (`pilothouse skills show NAME`).

    customer_email  string, required        Where the invoice is sent.
    currency        string, default "EUR"   ISO 4217 currency code.
    lines           list of {description, quantity, unit_price_cents}, required   Invoice lines: ...
"""

from __future__ import annotations

import json
from typing import Any


def type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """``string``, ``integer or null`` -> ``integer``, ``one of "a", "b"``, ``list of {a, b}``."""
    ref = prop.get("$ref")
    if isinstance(ref, str):
        target = defs.get(ref.rsplit("/", 1)[-1], {})
        return "{" + ", ".join(target.get("properties", {})) + "}" if target.get("properties") else "object"
    if "enum" in prop:
        return "one of " + ", ".join(json.dumps(v) for v in prop["enum"])
    if "const" in prop:
        return json.dumps(prop["const"])
    options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
    if options:
        return " or ".join(dict.fromkeys(type_text(o, defs) for o in options))
    kind = prop.get("type", "any")
    if kind == "array":
        return "list of " + type_text(prop.get("items", {}), defs)
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return "object of " + type_text(prop["additionalProperties"], defs)
    return str(kind)


def parameter_lines(schema: dict[str, Any], indent: str = "  ") -> list[str]:
    """One aligned line per parameter: name, type with required or default, description."""
    defs, required = schema.get("$defs", {}), set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        what = type_text(prop, defs)
        if name in required:
            what += ", required"
        elif "default" in prop and prop["default"] is not None:
            what += f", default {json.dumps(prop['default'], ensure_ascii=False)}"
        rows.append((name, what, " ".join(str(prop.get("description", "")).split())))
    if not rows:
        return [f"{indent}(none)"]
    width = max(len(r[0]) for r in rows)
    kinds = max(len(r[1]) for r in rows)
    return [f"{indent}{n:<{width}}  {k:<{kinds}}  {d}".rstrip() for n, k, d in rows]


def returns_text(schema: dict[str, Any]) -> str:
    """The output's top-level fields, in order."""
    return ", ".join(schema.get("properties", {})) or "nothing"
