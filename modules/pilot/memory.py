"""Memory: the agent's key/value notes, with categories and keyword search.

Reserved keys (a decision, documented here and in pilot_memory_set's instructions):

- ``soul``, ``identity``, ``agents`` (operating rules) are seeded once by the agent's
  bootstrap and are the person's to edit: ``pilot_memory_set`` writes them only with
  ``edit_reserved=true`` and only from a person (MCP or CLI). The agent and automations
  can read them but never rewrite their own soul or rules. This is the documented edit
  path: it refuses a document that fails the sanity rules (modules/pilot/documents.py) and
  keeps the accepted text as the last good version (``last_good:<key>``), which the health
  check compares the document with; the call's activity row records who changed it.
- ``heartbeat_state`` (written by the heartbeat) and ``skills_baseline`` (written by the
  health self-check) belong to those flows alone; no skill call writes them, nor the
  ``last_good:*`` copies.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.pilot import documents
from modules.pilot.model import MemoryEntry, MemoryHit, MemoryPage
from skills import Filters, Row, SkillContext, SkillFailed, fetch_one, fetch_page, skill

PERSON_EDITABLE = frozenset({"soul", "identity", "agents"})
SYSTEM_OWNED = frozenset({"heartbeat_state", "heartbeat_backoff", "skills_baseline"})
RESERVED_KEYS = PERSON_EDITABLE | SYSTEM_OWNED
PEOPLE = ("mcp", "cli")
KEY_PATTERN = r"^[a-z0-9][a-z0-9_.:\-]{0,99}$"
PREVIEW_CHARS = 300


@skill(
    title="Remember",
    examples=("remember this for later", "make a note that"),
    synonyms=("remember", "note", "save"),
    idempotent=True,
    instructions="""
    Stores a note under a key (lowercase letters, digits, `_ . : -`), replacing the old
    value. Use categories to group notes: `preference`, `fact`, `learning`, `contact`...
    Reserved keys: `soul`, `identity` and `agents` (the operating rules) can be edited
    only by a person, with `edit_reserved=true`; the agent cannot rewrite them.
    `heartbeat_state` and `skills_baseline` are written by the heartbeat and the health
    self-check only. A reserved document must stay sound: at least 200 characters, no
    unrendered `{placeholder}`, and its sections kept (the soul its `# Soul` heading, the
    identity `# Identity`, the rules `# Operating rules` and `Trust levels`).
    """,
)
async def memory_set(
    ctx: SkillContext,
    key: Annotated[str, Field(pattern=KEY_PATTERN)],
    value: Annotated[str, Field(min_length=1, max_length=20_000)],
    category: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")] = "general",
    edit_reserved: bool = False,
) -> MemoryEntry:
    """Store or replace a note in the agent's memory under a key.

    Args:
        key: The note's key, e.g. "preference.tone".
        value: The note's text.
        category: Group of the note, e.g. "preference", "fact", "learning".
        edit_reserved: Must be true to edit the soul, identity or agents documents (people only).
    """
    if key.startswith(documents.LAST_GOOD_PREFIX):
        raise SkillFailed(f"memory key {key!r} is the kept copy of a document; edit the document itself "
                          f"({key.removeprefix(documents.LAST_GOOD_PREFIX)!r}) with edit_reserved=true")
    if key in SYSTEM_OWNED:
        owner = "heartbeat" if key == "heartbeat_state" else "health self-check"
        raise SkillFailed(f"memory key {key!r} is written by the {owner} only; store your note under another key")
    if key in PERSON_EDITABLE:
        if ctx.caller not in PEOPLE:
            raise SkillFailed(f"memory key {key!r} is reserved: only a person can edit it (from chat or the CLI); "
                              "store your note under another key")
        if not edit_reserved:
            raise SkillFailed(f"memory key {key!r} is reserved (it shapes how the agent behaves); to replace it "
                              "call again with edit_reserved=true")
        broken = documents.problems(key, value)
        if broken:
            raise SkillFailed(f"the {key} document would be broken: {'; '.join(broken)}; "
                              f"start from the current text (pilot_memory_get key={key!r}) and edit it")
    now = ctx.now_iso()
    # A person's documented edit of a document moves its baseline too (same transaction).
    await ctx.write_memory(key, value, category=category, keep_as_last_good=key in PERSON_EDITABLE)
    return MemoryEntry(key=key, value=value, category=category, updated_at=now)


@skill(
    title="Recall",
    examples=("what do you remember about", "recall the note"),
    synonyms=("recall", "remember", "note"),
    read_only=True,
    instructions="Returns the full value of one memory key. pilot_memory_search finds keys by keyword or category.",
)
async def memory_get(ctx: SkillContext, key: Annotated[str, Field(min_length=1, max_length=100)]) -> MemoryEntry:
    """Read one note from the agent's memory by its key.

    Args:
        key: The note's key.
    """
    row = await fetch_one(
        ctx.db, "SELECT key, value, category, updated_at FROM memory WHERE key = ?", (key,),
        missing=f"no memory under key {key!r}; pilot_memory_search lists keys by keyword or category")
    return MemoryEntry(**row)


@skill(
    title="Search memory",
    examples=("search your notes", "what have you noted about customers"),
    synonyms=("notes", "remember", "recall"),
    read_only=True,
    instructions="""
    Finds notes whose key or value contains a keyword (case-insensitive), and/or lists a
    category. Returns keys with a short preview, newest first; read a whole note with
    pilot_memory_get. With no filter it lists everything, paginated.
    """,
)
async def memory_search(
    ctx: SkillContext,
    query: Annotated[str | None, Field(max_length=200)] = None,
    category: str | None = None,
    order: Literal["newest", "key"] = "newest",
    limit: int = 20,
    offset: int = 0,
) -> MemoryPage:
    """Search the agent's memory by keyword and/or category.

    Args:
        query: Keyword to find in keys or values.
        category: Only notes in this category.
        order: "newest" first or alphabetical by "key".
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("category = ?", category).like(("key", "value"), query)
    def hit(r: Row) -> MemoryHit:
        preview = r["value"] if len(r["value"]) <= PREVIEW_CHARS else r["value"][:PREVIEW_CHARS] + "…"
        return MemoryHit(key=r["key"], category=r["category"], updated_at=r["updated_at"], preview=preview)

    return await fetch_page(
        ctx.db, MemoryPage, select="key, category, value, updated_at", from_="memory", filters=filters,
        order_by="updated_at DESC, key" if order == "newest" else "key", limit=limit, offset=offset, item=hit)
