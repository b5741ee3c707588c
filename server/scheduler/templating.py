"""Strict argument templates for event automations: ``{{event.payload.id}}``.

A string that is exactly one placeholder takes the value's own type (an id stays an
integer); a placeholder inside longer text is formatted into it. A path that does not
resolve is a ``TemplateError`` naming what was missing and what exists: an automation
must never run with a silently empty argument.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# A placeholder is "{{", text without braces, "}}"; the text, stripped, is a dotted path. Found by
# a scan, not a regex: the pattern \{\{\s*([^{}]*?)\s*\}\} backtracks cubically on "{{" followed
# by a long run of spaces and no "}}" (86 s for 4,000 characters); the scan reads each character
# a bounded number of times.
BRACE = re.compile(r"[{}]")
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
    stripped = value.strip()
    first = next(placeholders(stripped), None)
    if first is not None and (first[0], first[1]) == (0, len(stripped)):
        return resolve(first[2], context)
    pieces, done = [], 0
    for start, end, path in placeholders(value):
        pieces += [value[done:start], _text(resolve(path, context))]
        done = end
    return "".join([*pieces, value[done:]])


def placeholders(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, path)`` of each placeholder in ``text``, left to right, in linear time."""
    start = text.find("{{")
    while start != -1:
        brace = BRACE.search(text, start + 2)  # the body runs to the first brace after "{{"
        if brace is None:
            return
        if text.startswith("}}", brace.start()):
            yield start, brace.start() + 2, text[start + 2:brace.start()].strip()
            start = text.find("{{", brace.start() + 2)
        else:  # a brace inside: no placeholder starts here; the next "{{" may begin one character on
            start = text.find("{{", start + 1)


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
