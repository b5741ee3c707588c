"""AI usage accounting: one ``ai_usage`` row per model call, failed ones included.

Each row names the run (the agent's loop) or the skill (``ctx.ai``) it was for, and its cost
in dollars where the model's price is known (pricing.py).

Failed calls are rows too, because a provider that fails costs latency (and sometimes
money) and the failover is only visible if every attempt is counted.
"""

from __future__ import annotations

from typing import Any

from skills.context import Database


async def record(
    db: Database, *, ts: str, run_id: str | None, provider: str, model: str, tier: str, prompt_tokens: int = 0,
    completion_tokens: int = 0, latency_ms: float = 0.0, status: str = "ok", error_kind: str | None = None,
    skill: str | None = None, cost_usd: float | None = None,
) -> int:
    result = await db.execute(
        "INSERT INTO ai_usage (ts, run_id, provider, model, tier, prompt_tokens, completion_tokens, latency_ms,"
        " status, error_kind, skill, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ts, run_id, provider, model, tier, prompt_tokens, completion_tokens, round(latency_ms, 3), status,
         error_kind, skill, cost_usd),
    )
    return int(result.lastrowid or 0)


async def totals(db: Database, *, since: str | None = None) -> list[dict[str, Any]]:
    """Calls, errors, tokens and mean latency per provider and model (for the CLI and health)."""
    where, params = ("WHERE ts >= ?", (since,)) if since else ("", ())
    return await db.fetchall(
        "SELECT provider, model, COUNT(*) AS calls, SUM(CASE WHEN status != 'ok' THEN 1 ELSE 0 END) AS errors,"
        " SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,"
        f" ROUND(CAST(AVG(latency_ms) AS NUMERIC), 1) AS mean_latency_ms FROM ai_usage {where}"
        " GROUP BY provider, model ORDER BY provider, model",
        params,
    )


async def totals_by_skill(db: Database, *, since: str | None = None) -> list[dict[str, Any]]:
    """Model calls made by skills (``ctx.ai``): calls, errors, tokens and cost per skill and provider."""
    where, params = ("AND ts >= ?", (since,)) if since else ("", ())
    return await db.fetchall(
        "SELECT skill, provider, COUNT(*) AS calls, SUM(CASE WHEN status = 'ok' THEN 0 ELSE 1 END) AS errors,"
        " SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,"
        f" SUM(cost_usd) AS cost_usd FROM ai_usage WHERE skill IS NOT NULL {where}"
        " GROUP BY skill, provider ORDER BY skill, provider",
        params,
    )


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` rows older than ``before`` (retention: the totals read recent days)."""
    result = await db.execute("DELETE FROM ai_usage WHERE id IN (SELECT id FROM ai_usage WHERE ts < ? ORDER BY id "
                              "LIMIT ?)", (before, batch))
    return result.rowcount
