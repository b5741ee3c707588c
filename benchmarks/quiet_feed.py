"""How many activity rows an idle instance writes: listed rows beside the housekeeping runs counted.

    python benchmarks/quiet_feed.py [--hours 6] [--agent-off]

A fresh instance (every default module, the agent on unless --agent-off, no objective, nothing
queued) runs the scheduler that `serve` and `worker` run, one tick per simulated minute on an
injected clock. Housekeeping that finds nothing to do (empty outbox, nothing due, an idle
heartbeat) is counted per skill and day in ``activity_daily`` instead of listed (server/tables/
activity.py); before that change every such run was a row (about 3,700 a day with the agent on).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from server.agent.bootstrap import enable_agent
from server.assembly import open_app, scheduler_for
from server.testing import FakeClock


async def main(hours: int, agent: bool) -> None:
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        async with open_app(Path(tmp) / "idle.db", clock=clock, retry_delay_s=0) as app:
            if agent:
                await enable_agent(app)
            scheduler = scheduler_for(app)
            started = time.perf_counter()
            for _ in range(hours * 60):
                clock.advance(minutes=1)
                await scheduler.tick()
            took = time.perf_counter() - started
            listed = await app.store.fetchall("SELECT skill, COUNT(*) AS n FROM activity GROUP BY skill "
                                              "ORDER BY n DESC")
            counted = await app.store.fetchall("SELECT skill, SUM(calls) AS n FROM activity_daily GROUP BY skill "
                                               "ORDER BY n DESC")
    rows, runs = sum(r["n"] for r in listed), sum(r["n"] for r in counted)
    per_day = 24 / hours
    print(f"{hours} h idle, agent {'on' if agent else 'off'} ({took:.1f} s of scheduler ticks)")
    print(f"{'':34} {'in the period':>14} {'per day':>9}")
    print(f"{'activity rows listed':34} {rows:>14,} {rows * per_day:>9,.0f}")
    print(f"{'quiet runs counted, not listed':34} {runs:>14,} {runs * per_day:>9,.0f}")
    print(f"listed / all runs: {rows / max(1, rows + runs):.1%}")
    for label, group in (("listed", listed), ("counted", counted)):
        print(f"  {label}: " + (", ".join(f"{r['skill']} {r['n']}" for r in group) or "none"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=6, help="simulated hours of an idle instance (default 6)")
    parser.add_argument("--agent-off", action="store_true", help="leave the agent off (platform work only)")
    options = parser.parse_args()
    asyncio.run(main(options.hours, not options.agent_off))
