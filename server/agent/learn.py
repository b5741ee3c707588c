"""The daily ``learn`` schedule: the last day's outcomes, summarized into memory without a model.

One note per day under ``learning:YYYY-MM-DD`` (category ``learning``): calls and
outcomes per skill, the most frequent errors, skills flagged by the 24 h evaluation,
heartbeat statuses and objectives completed. The heartbeat puts recent notes in the
agent's context, so tomorrow's cycles start from yesterday's results.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from server.resilience.evaluation import flagged_skills
from server.tables import activity, memory, runs

if TYPE_CHECKING:
    from server.app import App

TOP = 10


async def summarize_day(app: App) -> str:
    now = app.clock.now()
    since = (now - timedelta(days=1)).isoformat(timespec="seconds")
    store = app.store
    per_skill = await activity.busiest_skills(store, since, TOP)
    errors = await activity.frequent_errors(store, since, TOP)
    beats = await runs.status_counts(store, since)
    completed = await store.fetchall(
        "SELECT id, goal FROM objectives WHERE status = 'completed' AND updated_at >= ? ORDER BY id", (since,))
    flagged = await flagged_skills(store, now)
    lines = [f"Outcomes from {since} to {now.isoformat(timespec='seconds')} (UTC)."]
    if per_skill:
        lines.append("Busiest skills: " + "; ".join(
            f"{r['skill']} {r['calls']} calls ({r['ok'] or 0} success, {r['bad'] or 0} negative)" for r in per_skill))
    else:
        lines.append("No skill calls.")
    if errors:
        lines.append("Errors: " + "; ".join(f"{r['skill']} {r['error_kind']} x{r['n']}" for r in errors))
    if flagged:
        lines.append("Mostly failing (over 60 % negative): " + ", ".join(
            f"{f.skill} ({f.negatives}/{f.calls})" for f in flagged))
    if beats:
        lines.append("Heartbeats: " + ", ".join(f"{r['status']} {r['n']}" for r in beats))
    if completed:
        lines.append("Objectives completed: " + "; ".join(f"#{r['id']} {r['goal']}" for r in completed))
    text = "\n".join(lines)
    key = f"learning:{now.date().isoformat()}"
    await memory.upsert(store, key, text, category="learning", now_iso=now.isoformat(timespec="seconds"))
    return key
