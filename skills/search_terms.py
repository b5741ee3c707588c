"""Search metadata a module author writes on a skill: example requests and synonyms.

The tool description is written in the skill's own words and sent in every manifest, so it is
short. People ask in theirs: "who still owes us money" for receivables aging, "supplier" for
vendor. ``examples=`` holds a few requests as an operator would type them, ``synonyms=`` the
other words people use for what the skill handles. Neither is sent in a manifest: only the
search behind ``search_skills`` (and the reasoning loop's tool choice) reads them, so they
cost no tokens per request.

Checked at registration like the rest of the contract, so a typo fails at import:
a bare string (which would be read as a tuple of letters), empty or multi-line entries,
duplicates, and entries too long to be one request or one word group.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_ENTRIES = 12
MAX_EXAMPLE = 120
MAX_SYNONYM = 40


def check_search_terms(kind: str, values: Sequence[str], longest: int) -> tuple[str, ...]:
    """The entries as a tuple (whitespace folded), or a ``ValueError`` that says what to fix; the
    contract turns it into a ``ContractError`` naming the skill."""
    if isinstance(values, str):
        raise ValueError(f"{kind}= takes a tuple of strings, not one string: "
                            f"write {kind}=({values!r},)")
    entries = tuple(values)
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"at most {MAX_ENTRIES} {kind}, got {len(entries)}; keep the best ones")
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, str) or not entry.strip():
            raise ValueError(f"every entry of {kind}= must be non-empty text, got {entry!r}")
        if "\n" in entry or len(entry) > longest:
            raise ValueError(f"{kind} entry {entry[:40]!r}... must be one line of at most "
                                f"{longest} characters")
        key = " ".join(entry.lower().split())
        if key in seen:
            raise ValueError(f"{kind} entry {entry!r} is listed twice")
        seen.add(key)
    return tuple(" ".join(e.split()) for e in entries)
