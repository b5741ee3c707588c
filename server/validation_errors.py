"""Pydantic's validation errors, told as what to fix: one line per argument, naming what it expects."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from skills import Skill
from skills.formats import CURRENCY, EMAIL, ONE_LINE

# Patterns said in words: a person or a model reads "an email address", not a regular expression.
FORMATS = {
    EMAIL: "an email address such as ann@example.com",
    CURRENCY: "a three-letter currency code in capitals, such as EUR",
    ONE_LINE: "one line of text, with no line breaks (CR/LF) or control characters (it becomes an email header)",
    r"^\d{4}-\d{2}-\d{2}$": "a date as YYYY-MM-DD",
    r"^\d{4}-(0[1-9]|1[0-2])$": "a month as YYYY-MM",
    r"^([01]\d|2[0-3]):[0-5]\d$": "a time as HH:MM (24-hour)",
}


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
            lines.append(f"- '{loc}': {_in_words(e, fields[top].description if top in fields else None)} "
                         f"(got {shown})")
    return (
        f"invalid arguments for {skill.name}:\n" + "\n".join(lines)
        + f"\nFix these and call again; describe_skill shows the full schema of {skill.name}."
    )


def _in_words(error: Any, description: str | None) -> str:
    if error["type"] != "string_pattern_mismatch":
        return str(error["msg"])
    pattern = str((error.get("ctx") or {}).get("pattern", ""))
    if pattern in FORMATS:
        return f"must be {FORMATS[pattern]}"
    return f"is not in the expected form ({description.rstrip('.')})" if description else "is not in the expected form"
