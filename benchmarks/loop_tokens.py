"""Tool-definition tokens the reasoning loop sends, per request and per heartbeat, before and after.

    python benchmarks/loop_tokens.py

Real heartbeat cycles (server.agent.heartbeat.run_cycle) on a temp-file instance with every
built-in module on, against the scripted model server on 127.0.0.1. Each cycle has one active
objective and a scripted model that makes two or three skill calls, then finishes the objective
or answers NO_REPLY. "after" is what the loop sent (the meta-tools plus the skills the run is
about, manifest.loop_tools); "before" is what the previous loop sent for the same requests: the
whole catalog, in the tier chosen from the conversation alone (manifest.openai_tools). A last
cycle with no active objective must make no model call at all.
Target: at most 4,000 tokens of tool definitions per request.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from server import manifest
from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.assembly import open_app
from server.testing.fake_model import Call, FakeModelServer, Reply
from server.tokens import get_counter

BUDGET = 120_000
CYCLES: list[tuple[str, list[list[tuple[str, dict[str, Any]]]]]] = [
    ("Get paid for every overdue invoice this month", [
        [("invoicing_check_overdue", {})], [("invoicing_ar_aging", {})], [("invoicing_send_reminders", {})]]),
    ("Answer every support ticket within its SLA", [
        [("support_check_sla", {})], [("support_list_tickets", {"status": "open"})]]),
    ("Publish two blog posts about the spring collection", [
        [("blog_list_posts", {})], [("blog_create_post", {"title": "Spring is here", "body": "New colours."})]]),
    ("Restock the products that are running low", [
        [("products_low_stock", {})], [("purchasing_list_orders", {})]]),
    ("Grow the newsletter to 500 subscribers", [
        [("newsletter_stats", {})], [("forms_stats", {})], [("analytics_traffic_sources", {})]]),
]


async def cycle(app: App, fake: FakeModelServer, goal: str, steps: list[list[tuple[str, dict[str, Any]]]]) -> int:
    created = await app.executor.call("pilot_create_objective", {
        "goal": goal, "success_criteria": goal, "steps": ["Look", "Act"], "priority": 1}, caller="cli")
    assert created.output is not None, created.message
    objective = created.output["id"]
    fake.script(*[Reply(tool_calls=[Call(n, a) for n, a in step]) for step in steps],
                Reply(tool_calls=[Call("pilot_set_objective_status", {
                    "objective_id": objective, "status": "paused", "reason": "benchmark cycle done"})]),
                Reply("NO_REPLY"))
    before = len(fake.requests)
    record = await run_cycle(app, requested_by="cli")
    assert record.status == "ok", record.reason
    return len(fake.requests) - before


async def main() -> None:
    counter = await get_counter()
    async with FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")) as fake:
        for name in ("GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
            os.environ.pop(name, None)
        os.environ.update(OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=fake.base_url)
        with tempfile.TemporaryDirectory() as tmp:
            async with open_app(Path(tmp) / "loop.db") as app:
                await enable_agent(app)
                await app.modules.enable("assistant")  # off by default: every built-in module on
                per_cycle = [await cycle(app, fake, goal, steps) for goal, steps in CYCLES]
                idle_before = len(fake.requests)
                idle = await run_cycle(app, requested_by="cli")
                idle_calls = len(fake.requests) - idle_before
                after, before = [], []
                for request in fake.requests:
                    after.append(counter.count_json(request.tools))
                    old_tier = manifest.resolve_tier(counter.count_messages(request.messages), BUDGET)
                    before.append(counter.count_json(await manifest.openai_tools(app, old_tier)))
                catalog = len(await manifest.enabled_skills(app))
    beats, i = [], 0
    for n in per_cycle:
        beats.append((sum(before[i:i + n]), sum(after[i:i + n])))
        i += n
    print(f"{len(CYCLES)} scripted heartbeat cycles, {len(after)} model requests, {catalog} enabled skills; "
          f"counter {counter.name}")
    print(f"{'tool tokens':24} {'before':>8} {'after':>8} {'after/before':>13}")
    rows = [("per request, median", statistics.median(before), statistics.median(after)),
            ("per request, largest", max(before), max(after)),
            ("per heartbeat, median", statistics.median(b for b, _ in beats), statistics.median(a for _, a in beats)),
            ("all cycles", sum(before), sum(after))]
    for label, old, new in rows:
        print(f"{label:24} {old:>8,.0f} {new:>8,.0f} {new / old:>12.1%}")
    print(f"largest request after: {max(after):,} tokens (target <= {manifest.TOOL_TOKEN_CAP:,}): "
          f"{'met' if max(after) <= manifest.TOOL_TOKEN_CAP else 'NOT met'}")
    print(f"idle heartbeat: status {idle.status}, {idle_calls} model calls (target 0): "
          f"{'met' if idle_calls == 0 and idle.status == 'idle' else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
