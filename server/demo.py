"""`pilothouse seed-demo`: each enabled module's demo data, once, in module order.

Each module seeds inside its own transaction with a marker in memory (``demo_seed:<id>``),
so running the command twice never duplicates data and a failing module leaves no half-seeded
state behind while the others still get theirs.

Demo data is history, not news: it records no domain events (no automation, webhook or agent
reacts to a sample order or an invoice "overdue" since last month) and can never queue an email.
"""

from __future__ import annotations

from typing import Any

from server.app import App
from server.tables import memory
from skills import SkillContext


class DemoContext(SkillContext):
    """The context a module's ``seed_demo`` gets: the same, but nothing it writes reaches anyone."""

    async def emit(self, event: str, payload: dict[str, Any]) -> None:
        self.events.append((event, payload))  # kept for the caller, never stored as an event

    async def enqueue_email(self, to: str, subject: str, body: str, *, purpose: str = "", **parts: Any) -> int:
        raise RuntimeError(f"demo data must not email anyone ({self.module_id} tried to write to {to})")


async def seed_demo(app: App) -> tuple[list[str], list[str]]:
    enabled = await app.modules.enabled_ids()
    seeded, skipped = [], []
    for module in app.registry.modules.values():
        if module.id not in enabled or module.seed_demo is None:
            continue
        key = f"demo_seed:{module.id}"
        if await memory.exists(app.store, key):
            skipped.append(module.id)
            continue
        async with app.store.transaction() as tx:
            ctx = DemoContext(db=tx, http=app.http, clock=app.clock, settings=await app.modules.settings(module.id),
                               module_id=module.id, skill_name="seed_demo", caller="cli")
            await module.seed_demo(ctx)
            # "absent": the check above already found no marker; the seeding and it commit together.
            await memory.upsert(tx, key, "seeded", category="system",
                                now_iso=app.clock.now().isoformat(timespec="seconds"), when="absent")
        seeded.append(module.id)
    return seeded, skipped
