"""Strict argument templates for event automations: ``{{event.payload.id}}``.

A string that is exactly one placeholder takes the value's own type (an id stays an
integer); a placeholder inside longer text is formatted into it. A path that does not
resolve is a ``TemplateError`` naming what was missing and what exists: an automation
must never run with a silently empty argument.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")


class TemplateError(ValueError):
    pass


def render(value: Any, context: dict[str, Any]) -> Any:
    """Render every placeholder in ``value`` (a str, or dicts and lists of them)."""
    if isinstance(value, dict):
        return {k: render(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, context) for v in value]
    if not isinstance(value, str):
        return value
    whole = PLACEHOLDER.fullmatch(value.strip())
    if whole:
        return resolve(whole.group(1), context)
    return PLACEHOLDER.sub(lambda m: _text(resolve(m.group(1), context)), value)


def resolve(path: str, context: dict[str, Any]) -> Any:
    if not PATH.match(path):
        raise TemplateError(f"malformed placeholder {{{{{path}}}}}: use a dotted path such as event.payload.id")
    current: Any = context
    walked: list[str] = []
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            where = ".".join(walked) or "the template context"
            available = sorted(current) if isinstance(current, dict) else []
            hint = f"; available: {', '.join(map(str, available))}" if available else ""
            raise TemplateError(f"{{{{{path}}}}}: '{part}' is missing in {where}{hint}")
        walked.append(part)
    if current is None:
        raise TemplateError(f"{{{{{path}}}}} is null in this event; the automation needs a value")
    return current


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
