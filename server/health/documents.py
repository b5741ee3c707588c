"""The agent's documents checked for sense, not only existence (soul corruption).

For each of soul, identity and operating rules that exists:
  - it must look sound (modules/pilot/documents.py: not tiny, no unrendered placeholder, its
    required sections kept);
  - its digest must match what is expected of it: its kept last good version (moved by a person's
    edit through ``pilot_memory_set`` with ``edit_reserved=true``), or the baseline's digest when
    the baseline was installed after that version was kept (an imported dev baseline).
Anything else changed it outside the documented path: reported as corruption, naming it.

The self-check restores a broken document, or one that differs from its own last good version,
from that version (or the template when the kept one is not sound). A document that only differs
from an imported baseline is reported, not overwritten: it may be a person's deliberate text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from modules.pilot.documents import DOCUMENT_KEYS, problems
from server.health.checks import Finding
from server.health.hashing import text_digest
from server.tables import memory
from skills.context import Row

if TYPE_CHECKING:
    from server.app import App
    from server.health.baseline import Baseline

KIND = "document_corrupted"
DOCUMENTED_PATH = "a person's pilot_memory_set with edit_reserved=true"


@dataclass(frozen=True)
class Problem:
    key: str
    message: str
    restorable: bool


def _expected(key: str, kept: dict[str, Row], baseline: Baseline | None) -> tuple[str | None, str, bool]:
    """(digest, what it is, whether it is the document's own last good version)."""
    good = kept.get(key)
    if baseline is not None and baseline.scope == "instance" and key in baseline.documents and (
            good is None or (baseline.set_at or "") > good["updated_at"]):
        return baseline.documents[key], f"the baseline ({baseline.source or 'stored'})", False
    if good is not None:
        return text_digest(good["value"]), f"its last good version ({good['updated_at']})", True
    return None, "", False


async def problems_found(app: App, baseline: Baseline | None) -> list[Problem]:
    texts = await memory.values(app.store, DOCUMENT_KEYS)
    kept = await memory.last_good(app.store, DOCUMENT_KEYS)
    found = []
    for key in DOCUMENT_KEYS:
        text = texts.get(key)
        if not text:
            continue  # a missing document is checks.agent_documents' finding
        broken = problems(key, text)
        if broken:
            found.append(Problem(key, f"the agent's {key} document looks broken: {'; '.join(broken)}", True))
            continue
        digest, against, own = _expected(key, kept, baseline)
        if digest is not None and text_digest(text) != digest:
            found.append(Problem(key, f"the agent's {key} document was changed outside the documented path "
                                 f"({DOCUMENTED_PATH}): it differs from {against}", own))
    return found


async def check(app: App, baseline: Baseline | None) -> list[Finding]:
    return [Finding(KIND, p.message, subject=f"document:{p.key}",
                    action="restore its last good version: pilothouse health check" if p.restorable else
                    f"write it again ({DOCUMENTED_PATH})") for p in await problems_found(app, baseline)]


async def restore(app: App, baseline: Baseline | None) -> list[str]:
    """Put back each restorable corrupted document; ``key (from where)`` for each one restored."""
    from server.agent.bootstrap import DOCUMENTS, template

    wanted = [p.key for p in await problems_found(app, baseline) if p.restorable]
    if not wanted:
        return []
    kept = await memory.last_good(app.store, wanted)
    now_iso = app.clock.now().isoformat(timespec="seconds")
    restored = []
    async with app.store.transaction() as tx:
        for key in wanted:
            good = kept.get(key)
            if good is not None and not problems(key, good["value"]):
                text, origin = good["value"], "its last good version"
            else:
                text, origin = template(DOCUMENTS[key]), f"the template prompts/{DOCUMENTS[key]}"
            await memory.upsert(tx, key, text, category="core", now_iso=now_iso)
            await memory.keep_last_good(tx, key, text, now_iso=now_iso)
            restored.append(f"{key} (from {origin})")
    return restored
