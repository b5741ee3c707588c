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

if TYPE_CHECKING:
    from server.app import App

TOP = 10


async def summarize_day(app: App) -> str:
    now = app.clock.now()
    since = (now - timedelta(days=1)).isoformat(timespec="seconds")
    store = app.store
    per_skill = await store.fetchall(
        "SELECT skill, COUNT(*) AS calls, SUM(outcome = 'success') AS ok, SUM(outcome = 'negative') AS bad "
        "FROM activity WHERE ts >= ? AND attempts > 0 GROUP BY skill ORDER BY calls DESC, skill LIMIT ?",
        (since, TOP))
    errors = await store.fetchall(
        "SELECT skill, error_kind, COUNT(*) AS n FROM activity WHERE ts >= ? AND status = 'error' "
        "GROUP BY skill, error_kind ORDER BY n DESC, skill LIMIT ?", (since, TOP))
    beats = await store.fetchall(
        "SELECT status, COUNT(*) AS n FROM heartbeats WHERE started_at >= ? GROUP BY status ORDER BY status", (since,))
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
    await store.execute(
        "INSERT INTO memory (key, value, category, updated_at) VALUES (?, ?, 'learning', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, text, now.isoformat(timespec="seconds")))
    return key
