"""Token size of the skill manifest per tier, for the whole built-in catalog with every module on.

    python benchmarks/manifest.py

Measured with the runtime's own counter (server/tokens.py: o200k_base when it loads, else the
bundled cl100k_base), as an MCP client receives it (the JSON of the tools/list result) and as
OpenAI function definitions. The drop tier is ranked from 14 days of simulated use (a realistic
spread: a few skills used a lot, most a little); the meta-tools are included in every figure.
Targets: compact <= 40 % of full; drop <= 8 % of full and <= 1,000 tokens.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import timedelta
from pathlib import Path

from server import manifest
from server.agent.bootstrap import enable_agent
from server.app import open_app
from server.manifest.render import tools_list_json
from server.tokens import get_counter


async def main() -> None:
    counter = await get_counter()
    with tempfile.TemporaryDirectory() as tmp:
        async with open_app(Path(tmp) / "manifest.db") as app:
            await enable_agent(app)
            skills = [s.name for s in await manifest.enabled_skills(app)]
            rng, now = random.Random(5), app.clock.now()
            rows = [((now - timedelta(hours=rng.random() * 24 * 14)).isoformat(timespec="seconds"), "pilot",
                     skills[min(int(rng.paretovariate(1.2)) - 1, len(skills) - 1)], "ok", "success")
                    for _ in range(2_000)]
            async with app.store.transaction() as tx:
                await tx.executemany("INSERT INTO activity (ts, caller, skill, status, outcome) VALUES (?, ?, ?, ?, ?)",
                                     rows)
            sizes = {}
            for tier in manifest.TIERS:
                tools = await manifest.mcp_tools(app, tier)
                sizes[tier] = (len(tools), counter.count_json(tools_list_json(tools)),
                               counter.count_json(await manifest.openai_tools(app, tier)))
    print(f"catalog: {len(skills)} enabled skills in every built-in module, plus 3 meta-tools; counter {counter.name}")
    print(f"{'tier':8} {'tools':>5} {'MCP tools/list':>15} {'OpenAI functions':>17}")
    for tier, (count, mcp_tokens, openai_tokens) in sizes.items():
        print(f"{tier:8} {count:>5} {mcp_tokens:>15,} {openai_tokens:>17,}")
    full_mcp, full_oa = sizes["full"][1], sizes["full"][2]
    for tier, target in (("compact", "<= 40 %"), ("drop", "<= 8 % and <= 1,000 tokens")):
        print(f"{tier}/full: MCP {sizes[tier][1] / full_mcp:.1%}, OpenAI {sizes[tier][2] / full_oa:.1%} "
              f"(target {target})")


if __name__ == "__main__":
    asyncio.run(main())
