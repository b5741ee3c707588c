"""A strict renderer for the markdown templates in this folder.

A placeholder is a lowercase identifier in single braces, ``{now}``. Braces around
anything else (a JSON example such as ``{"limit": 5}``) are left alone, and ``{{now}}``
renders a literal ``{now}``.

Strict on purpose: a missing value raises ``PromptError`` instead of leaving a blank or
a raw ``{objectives}`` in a system prompt, which no test and no person would notice but
the model would. A value the template does not use is refused too (usually a typo),
unless the caller says ``allow_unused=True``.

    render("ask", now="2026-11-02T09:00:00+00:00", modules="crm, blog")
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The templates sit next to this file. (importlib.resources fails on this package when an old
# editable install registered it as a namespace package, so the plain path is the robust choice.)
HERE = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{([a-z_][a-z0-9_]*)\}\}|\{([a-z_][a-z0-9_]*)\}")


class PromptError(Exception):
    """A template that cannot be rendered as asked: unknown, a value missing, or a value unused."""


def template_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.md"))


def load(name: str) -> str:
    filename = name if name.endswith(".md") else f"{name}.md"
    path = HERE / filename
    if "/" in filename or not path.is_file():
        raise PromptError(f"no prompt template {name!r}; templates: {', '.join(template_names())}")
    return path.read_text(encoding="utf-8")


def placeholders(text: str) -> set[str]:
    """The names a template needs (escaped ``{{name}}`` does not count)."""
    return {m.group(2) for m in _PLACEHOLDER.finditer(text) if m.group(2)}


def render_text(text: str, values: Mapping[str, Any], *, name: str = "<text>", allow_unused: bool = False) -> str:
    needed = placeholders(text)
    missing = sorted(needed - set(values))
    if missing:
        raise PromptError(f"prompt {name!r} needs a value for {', '.join(missing)} "
                          f"(it uses: {', '.join(sorted(needed)) or 'nothing'})")
    unused = sorted(set(values) - needed)
    if unused and not allow_unused:
        raise PromptError(f"prompt {name!r} has no placeholder for {', '.join(unused)} "
                          f"(it uses: {', '.join(sorted(needed)) or 'nothing'}); check the spelling")

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "{" + match.group(1) + "}"
        return str(values[match.group(2)])

    return _PLACEHOLDER.sub(substitute, text)


def render(name: str, /, values: Mapping[str, Any] | None = None, *, allow_unused: bool = False,
           **kwargs: Any) -> str:
    """Render ``prompts/<name>.md`` with ``values`` and/or keyword values."""
    merged = {**(values or {}), **kwargs}
    return render_text(load(name), merged, name=name, allow_unused=allow_unused)
