"""Time to compute the instance health report, small instance vs 1,000 skills and 1,000,000 activity rows.

    python benchmarks/health.py [--skills 1000] [--rows 1000000]

Both instances run in one process, one after the other, so the ratio holds on a noisy machine.
The activity rows are spread over 30 days (the 24 h evaluation reads about a thirtieth of them).
Target: <= 250 ms for the large instance.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from server.agent.bootstrap import enable_agent
from server.app import open_runtime
from server.assembly import discover_modules, system_modules
from server.cache import skill_schemas
from server.health import checks
from server.health.report import build_report
from server.testing.bulk import bulk_module


async def measure(db: Path, extra_skills: int, rows: int) -> tuple[float, float, float, int]:
    modules = [*discover_modules(include_community=False)] + ([bulk_module(extra_skills)] if extra_skills else [])
    async with open_runtime(db, modules=modules, system_modules=system_modules) as app:
        await enable_agent(app)
        if rows:
            now, rng = app.clock.now(), random.Random(3)
            names = list(app.registry.skills)
            batch = [((now - timedelta(seconds=rng.random() * 30 * 86_400)).isoformat(timespec="seconds"), "mcp",
                      names[i % len(names)], "ok", rng.choice(("success", "success", "negative", "neutral")))
                     for i in range(rows)]
            async with app.store.transaction() as tx:
                await tx.executemany("INSERT INTO activity (ts, caller, skill, status, outcome) VALUES (?, ?, ?, ?, ?)",
                                     batch)
            await app.store.execute("ANALYZE")
        samples = []
        for _ in range(7):
            t0 = time.perf_counter()
            report = await build_report(app)
            samples.append(time.perf_counter() - t0)
    # The first report ever also validates every skill's JSON schemas against the meta-schema, once
    # per version of the code; a later process (`pilothouse health`) reads that from runtime_cache.
    checks.schema_problems.cache_clear()
    skill_schemas.fingerprint.cache_clear()
    async with open_runtime(db, modules=modules, system_modules=system_modules) as app:
        t0 = time.perf_counter()
        await build_report(app)
        later_first = time.perf_counter() - t0
    return (statistics.median(samples[1:]) * 1000, samples[0] * 1000, later_first * 1000,
            report.version.skill_count)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skills", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small_ms, small_first, small_later, small_n = await measure(Path(tmp) / "small.db", 0, 0)
        large_ms, large_first, large_later, large_n = await measure(Path(tmp) / "large.db", args.skills, args.rows)
    print(f"small instance ({small_n} skills, no activity): median {small_ms:.1f} ms; "
          f"first report ever {small_first:.0f} ms, first in a later process {small_later:.0f} ms")
    print(f"large instance ({large_n} skills, {args.rows:,} activity rows): median {large_ms:.1f} ms "
          f"(target <= 250 ms; {large_ms / small_ms:.1f}x the small one); first report ever {large_first:.0f} ms, "
          f"first in a later process {large_later:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
