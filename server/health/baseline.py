"""Setting the expected skill baseline (stored in agent memory, key ``skills_baseline``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from server.health.hashing import BASELINE_KEY, compute
from server.tables import memory
from server.tables.skill_state import enabled_skill_rows

if TYPE_CHECKING:
    from server.app import App


async def set_baseline(app: App) -> dict[str, Any]:
    skills_hash, per_skill = compute(await enabled_skill_rows(app.store))
    set_at = app.clock.now().isoformat(timespec="seconds")
    value = {"hash": skills_hash, "skills": per_skill, "set_at": set_at}
    await memory.upsert(app.store, BASELINE_KEY, json.dumps(value), category="core", now_iso=set_at)
    return {"hash": skills_hash, "skill_count": len(per_skill), "set_at": set_at}
