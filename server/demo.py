"""`pilothouse seed-demo`: each enabled module's demo data, once, in module order.

Each module seeds inside its own transaction with a marker in memory (``demo_seed:<id>``),
so running the command twice never duplicates data and a failing module leaves no half-seeded
state behind while the others still get theirs.
"""

from __future__ import annotations

from server.app import App
from skills import SkillContext


async def seed_demo(app: App) -> tuple[list[str], list[str]]:
    enabled = await app.modules.enabled_ids()
    seeded, skipped = [], []
    for module in app.registry.modules.values():
        if module.id not in enabled or module.seed_demo is None:
            continue
        key = f"demo_seed:{module.id}"
        if await app.store.fetchone("SELECT 1 FROM memory WHERE key = ?", (key,)):
            skipped.append(module.id)
            continue
        async with app.store.transaction() as tx:
            ctx = SkillContext(db=tx, http=app.http, clock=app.clock, settings=await app.modules.settings(module.id),
                               module_id=module.id, skill_name="seed_demo", caller="cli")
            await module.seed_demo(ctx)
            await tx.execute("INSERT INTO memory (key, value, category, updated_at) VALUES (?, ?, 'system', ?)",
                             (key, "seeded", app.clock.now().isoformat(timespec="seconds")))
        seeded.append(module.id)
    return seeded, skipped
