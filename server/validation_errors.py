"""Pydantic's validation errors, told as what to fix: one line per argument, naming what it expects."""

from __future__ import annotations

import json

from pydantic import ValidationError

from skills import Skill


def explain_validation(skill: Skill, error: ValidationError) -> str:
    """Turn pydantic's errors into what to fix, naming each argument and what it expects."""
    fields = skill.input_model.model_fields
    lines = []
    for e in error.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(arguments)"
        top = str(e["loc"][0]) if e["loc"] else ""
        if e["type"] == "missing":
            lines.append(f"- '{loc}' is required: {fields[top].description if top in fields else ''}".rstrip(": "))
        elif e["type"] == "extra_forbidden":
            lines.append(f"- '{loc}' is not a parameter of {skill.name}; accepted: {', '.join(fields) or 'none'}")
        else:
            shown = json.dumps(e.get("input"), default=str)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            lines.append(f"- '{loc}': {e['msg']} (got {shown})")
    return (
        f"invalid arguments for {skill.name}:\n" + "\n".join(lines)
        + f"\nFix these and call again; describe_skill shows the full schema of {skill.name}."
    )
