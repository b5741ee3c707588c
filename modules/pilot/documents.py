"""The agent's documents (soul, identity, operating rules): what a sound one looks like.

A bad update (a deploy that wrote a stub, a template rendered with nothing, an edit that lost
the trust rules) still "exists", so existence is not enough. These checks are shared by the
documented edit path (``pilot_memory_set`` refuses a document that fails them) and the health
check (which reports one that got in some other way). They are text rules only, so the module
needs nothing from the runtime.

The kept last good version of each document lives in memory under ``last_good:<key>``: written
by the agent's bootstrap (the template it seeded), by a person's edit through
``pilot_memory_set`` and by the health self-check when it restores one. Health compares the
document with it: any other change is corruption.
"""

from __future__ import annotations

import re

DOCUMENT_KEYS = ("soul", "identity", "agents")
LAST_GOOD_PREFIX = "last_good:"
MIN_CHARS = 200
# Headings a sound document keeps (matched case-insensitively inside any markdown heading).
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "soul": ("soul",),
    "identity": ("identity",),
    "agents": ("operating rules", "trust levels"),
}
# The renderer's placeholders ({name}, escaped {{name}}) and Jinja-style {{ name }}: in a stored
# document each one is a value that was never filled in.
_PLACEHOLDER = re.compile(r"\{\{\s*[a-z_][a-z0-9_]*\s*\}\}|\{[a-z_][a-z0-9_]*\}")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def last_good_key(key: str) -> str:
    return LAST_GOOD_PREFIX + key


def problems(key: str, text: str) -> list[str]:
    """What is wrong with ``text`` as the ``key`` document; empty when it looks sound."""
    found = []
    stripped = text.strip()
    if len(stripped) < MIN_CHARS:
        found.append(f"only {len(stripped)} characters (a sound {key} document has at least {MIN_CHARS})")
    left = sorted(set(_PLACEHOLDER.findall(text)))
    if left:
        found.append(f"template placeholders left unrendered: {', '.join(left[:5])}")
    headings = [h.lower() for h in _HEADING.findall(text)]
    missing = [s for s in REQUIRED_SECTIONS.get(key, ()) if not any(s in h for h in headings)]
    if missing:
        found.append("required sections missing: " + ", ".join(f"'{s}'" for s in missing))
    return found
