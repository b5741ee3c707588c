"""Does `search_skills` find what people mean? Recall over requests typed the way operators type them.

    python benchmarks/search.py            # recall@1 / @5 on the dev and held-out sets, p50 at 500 skills
    python benchmarks/search.py --misses   # also list the dev requests whose skill is not first

Two sets, one request and its expected skill per line:

- ``search_requests.jsonl``: the development set (covers every module); skill metadata and the
  ranker were tuned on it;
- ``search_holdout.jsonl``: written before any tuning and never looked at request by request
  since (``--misses`` lists dev misses only), so its figure is the honest one.

Search runs over every enabled skill (all built-in modules on, the agent's included), exactly as
the meta-tool does. The latency figure searches a 500-skill catalog (the built-ins plus generated
skills) with every dev request and reports the median and the 95th percentile per query.
Targets: recall@5 >= 95 %, recall@1 >= 75 %, p50 <= 5 ms at 500 skills.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from server import manifest
from server.agent.bootstrap import enable_agent
from server.assembly import open_app
from server.manifest.search import search
from server.testing.bulk import bulk_module
from skills import Skill, definition_of

HERE = Path(__file__).parent
SETS = (("dev", HERE / "search_requests.jsonl"), ("held-out", HERE / "search_holdout.jsonl"))
LATENCY_CATALOG = 500


def load(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [(r["request"], r["skill"]) for r in rows]


def recall(skills: Sequence[Skill], requests: list[tuple[str, str]]) -> tuple[float, float, list[str]]:
    first = top5 = 0
    misses = []
    for request, expected in requests:
        names = [s.name for s, _ in search(skills, request, 5)]
        first += bool(names) and names[0] == expected
        top5 += expected in names
        if not names or names[0] != expected:
            misses.append(f"  {expected:34} <- {request!r}: got {names[:3]}")
    return first / len(requests), top5 / len(requests), misses


def latency(skills: list[Skill], queries: list[str]) -> tuple[float, float]:
    search(skills, "warm up the index", 10)
    timings = []
    for query in queries:
        started = time.perf_counter()
        search(skills, query, 10)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


async def main(show_misses: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_app(Path(tmp) / "search.db") as app:
            await enable_agent(app)
            await app.modules.enable("assistant")  # off by default: every built-in module on
            skills = await manifest.enabled_skills(app)
            modules = {s.module_id for s in skills}
    print(f"catalog: {len(skills)} enabled skills in {len(modules)} modules")
    known = {s.name for s in skills}
    for label, path in SETS:
        requests = load(path)
        unknown = sorted({e for _, e in requests} - known)
        if unknown:
            raise SystemExit(f"{path.name} expects skills that do not exist: {unknown}")
        covered = {e.split("_")[0] for _, e in requests}
        at1, at5, misses = recall(skills, requests)
        print(f"{label:9} {len(requests):4} requests over {len(covered):2} module prefixes: "
              f"recall@1 {at1:6.1%}  recall@5 {at5:6.1%}   (targets: >= 75 %, >= 95 %)")
        if show_misses and label == "dev":
            print("\n".join(misses))
    padding = [definition_of(s) for s in bulk_module(LATENCY_CATALOG - len(skills), "padding").skills]
    p50, p95 = latency(skills + padding, [r for r, _ in load(SETS[0][1])])
    print(f"latency over {len(skills) + len(padding)} skills: p50 {p50:.2f} ms, p95 {p95:.2f} ms per query "
          "(target p50 <= 5 ms)")


if __name__ == "__main__":
    asyncio.run(main("--misses" in sys.argv[1:]))
