"""Token size of the skill manifest per tier, for the whole built-in catalog with every module on.

    python benchmarks/manifest.py

Measured with the runtime's own counter (server/tokens.py: o200k_base when it loads, else the
bundled cl100k_base), as an MCP client receives it (the JSON of the tools/list result) and as
OpenAI function definitions (the JSON the reasoning loop sends). The meta-tools are included in
every figure. Works with whatever modules are registered: a temp-file instance, every module on.

The drop tier depends on usage, so it is measured at cold start and over 10 simulated usage
profiles: 3,000 executed calls in the last 14 days, Zipf-distributed (a few skills used a lot,
most a little) over a random order of the catalog in which reads are twice as likely to rank
high as writes; plus older calls and refusals on other skills, which the ranking must ignore.
Every tier keeps each tool's title and its four annotation hints (MCP); the drop cap counts what a
model reads (OpenAI functions; of MCP, name, description and input schema: "MCP to model").
Targets: compact keeps every parameter (shorter descriptions only) within 40 % of full as MCP
tools/list and 55 % as OpenAI functions; drop <= 8 % of full and <= 1,000 model tokens.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from server import manifest
from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import open_app
from server.manifest.render import model_visible, tools_list_json
from server.tokens import TokenCounter, get_counter

PROFILES = 10
CALLS = 3_000


async def sizes(app: App, counter: TokenCounter, tier: manifest.Tier) -> tuple[int, int, int, int]:
    tools = await manifest.mcp_tools(app, tier)
    to_model = [model_visible(t) for t in tools]
    return (len(tools), counter.count_json(tools_list_json(tools)), counter.count_json(to_model),
            counter.count_json(await manifest.openai_tools(app, tier)))


async def simulate_usage(app: App, seed: int) -> None:
    rng, now = random.Random(seed), app.clock.now()
    skills = await manifest.enabled_skills(app)
    order = sorted(skills, key=lambda s: rng.random() * (0.5 if s.hints.read_only else 1.0))
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(order))]
    picks = rng.choices(order, weights, k=CALLS)
    rows = [((now - timedelta(seconds=rng.random() * 14 * 86_400)).isoformat(timespec="seconds"),
             rng.choice(["pilot", "mcp", "automation"]), s.name, "ok" if rng.random() < 0.9 else "error", 1)
            for s in picks]
    noise = rng.sample(skills, 10)  # heavy use long ago, and refused calls: neither counts
    rows += [((now - timedelta(days=15 + rng.random() * 30)).isoformat(timespec="seconds"), "pilot", s.name, "ok", 1)
             for s in noise[:5] for _ in range(500)]
    rows += [(now.isoformat(timespec="seconds"), "mcp", s.name, "error", 0) for s in noise[5:] for _ in range(500)]
    async with app.store.transaction() as tx:
        await tx.execute("DELETE FROM activity")
        await tx.executemany("INSERT INTO activity (ts, caller, skill, status, outcome, attempts) "
                             "VALUES (?, ?, ?, ?, 'success', ?)", rows)


async def main() -> None:
    counter = await get_counter()
    with tempfile.TemporaryDirectory() as tmp:
        async with open_app(Path(tmp) / "manifest.db") as app:
            await enable_agent(app)  # the pilot module too
            await app.modules.enable("assistant")  # off by default: every built-in module on
            enabled = len(await manifest.enabled_skills(app))
            measured = {tier: await sizes(app, counter, tier) for tier in manifest.TIERS}
            cold = measured["drop"]
            profiles = []
            for seed in range(1, PROFILES + 1):
                await simulate_usage(app, seed)
                profiles.append(await sizes(app, counter, "drop"))
    print(f"catalog: {enabled} enabled skills in {len(app.registry.modules)} modules, plus 3 meta-tools; "
          f"counter {counter.name}")
    print(f"{'tier':28} {'tools':>5} {'MCP tools/list':>15} {'MCP to model':>13} {'OpenAI functions':>17}")
    rows = [("full", measured["full"]), ("compact", measured["compact"]), ("drop, cold start", cold)]
    rows += [("drop, used (median of 10)", tuple(int(statistics.median(p[i] for p in profiles)) for i in range(4))),
             ("drop, used (largest of 10)", tuple(max(p[i] for p in profiles) for i in range(4)))]
    for label, (count, mcp_tokens, to_model, openai_tokens) in rows:
        print(f"{label:28} {count:>5} {mcp_tokens:>15,} {to_model:>13,} {openai_tokens:>17,}")
    full_mcp, full_oa = measured["full"][1], measured["full"][3]
    worst = [max(p[i] for p in [*profiles, cold]) for i in (1, 2, 3)]
    print(f"compact/full: MCP {measured['compact'][1] / full_mcp:.1%} (target <= 40 %), "
          f"OpenAI {measured['compact'][3] / full_oa:.1%} (target <= 55 %); every parameter kept")
    print(f"drop/full (largest): MCP {worst[0] / full_mcp:.1%}, OpenAI {worst[2] / full_oa:.1%} "
          f"(target <= 8 % and <= 1,000 model tokens: largest {max(worst[1:]):,})")
    print(f"drop skills per profile: {sorted(p[0] - 3 for p in profiles)} (at most 20, within the token cap)")


if __name__ == "__main__":
    asyncio.run(main())
