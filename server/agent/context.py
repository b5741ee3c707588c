"""What the heartbeat shows the model, within character budgets (20,000 per document, 60,000 total).

System prompt: the soul, the identity and the operating rules (memory keys ``soul``,
``identity``, ``agents``), each cut to the per-document budget; for a model with a small context
window (server/agent/budget.py) the lean prompt (prompts/lean.md) instead, and a total budget
that fits the window. The system prompt never changes between cycles, and the heartbeat message
starts with its fixed protocol, then the time, then the sections: what changes comes last, so a
server's prompt cache reuses the rest.
User message: the heartbeat protocol, then sections in priority order - objectives,
what waits for a person, health, the last 24 h of activity, recent memory - each cut to
the per-document budget; the sections that no longer fit the total are dropped and the
message says so, so the model knows its view is partial.

Active objectives shown to a cycle are checked out for 30 minutes (``locked_until``) so
a concurrent run (``pilothouse ask``) does not work the same objective at the same time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from modules.pilot import objectives as pilot_objectives
from modules.pilot.memory import RESERVED_KEYS
from prompts.render import render
from server.agent.bootstrap import template
from server.agent.budget import LoopBudget
from server.agent.settings import AgentSettings
from server.resilience.evaluation import flagged_skills
from server.tables import activity, approvals, memory, skill_state
from server.trust import outside
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

CHECKOUT = timedelta(minutes=30)
MAX_OBJECTIVES = 10
RECENT_ACTIVITY = 30
RECENT_MEMORY = 15


@dataclass
class CycleContext:
    system_prompt: str
    user_message: str
    objective_ids: list[int] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    chars: int = 0
    focus: str = ""  # what the cycle is about (its objectives), for choosing the loop's tools


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    marker = f"\n[... cut: {len(text) - limit + 40} more characters]"
    return text[: max(0, limit - len(marker))] + marker


async def count_active_objectives(db: Database) -> int:
    """Active objectives, checked out or not (what ``agent status`` counts)."""
    return int(await db.fetchval("SELECT COUNT(*) FROM objectives WHERE status = 'active'") or 0)


async def objective_goals(db: Database, ids: list[int]) -> dict[int, str]:
    """``id -> goal`` of the given objectives (what a shadow proposal served)."""
    if not ids:
        return {}
    rows = await db.fetchall(f"SELECT id, goal FROM objectives WHERE id IN ({','.join('?' * len(ids))})", tuple(ids))
    return {int(r["id"]): str(r["goal"]) for r in rows}


async def active_objectives(db: Database, now: datetime) -> list[dict[str, Any]]:
    """Active objectives no other run has checked out, most urgent first."""
    return await db.fetchall(
        "SELECT id, goal, priority, deadline, cadence, success_criteria, plan, evidence, created_at FROM objectives "
        "WHERE status = 'active' AND (locked_until IS NULL OR locked_until <= ?) "
        "ORDER BY priority, deadline IS NULL, deadline, id LIMIT ?",
        (now.isoformat(timespec="seconds"), MAX_OBJECTIVES))


async def gather(app: App, settings: AgentSettings, *, run_hint: str = "",
                 budget: LoopBudget | None = None) -> CycleContext:
    now = app.clock.now()
    db = app.store
    total = budget.context_chars(settings.total_chars) if budget is not None else settings.total_chars
    doc_chars = min(settings.doc_chars, total)
    if budget is not None and budget.small:
        system_prompt = template("lean.md")
    else:
        docs = await memory.values(db, ("soul", "identity", "agents"))
        system_prompt = "\n\n".join(clip(docs.get(k) or template(f"{k}.md"), doc_chars)
                                    for k in ("soul", "identity", "agents"))
    objectives = await active_objectives(db, now)
    sections = [
        ("Objectives", _objectives(objectives, now)),
        ("Waiting for a person", await _waiting(db)),
        ("Health", await _health(db, now)),
        ("Activity in the last 24 h", await _activity(app, now)),
        ("Memory (recent notes)", await _memory(db)),
    ]
    room = max(0, total - len(system_prompt))
    header = render("heartbeat", now=now.isoformat(timespec="minutes"))
    parts, dropped = [header + (f"\n\n{run_hint}" if run_hint else "")], []
    used = len(parts[0])
    for title, body in sections:
        block = f"## {title}\n\n{clip(body, doc_chars)}"
        if used + len(block) + 2 > room:
            dropped.append(title)
            continue
        parts.append(block)
        used += len(block) + 2
    if dropped:
        parts.append(f"(Left out to stay within the context budget: {', '.join(dropped)}. "
                     "Use the list skills to look them up if you need them.)")
    user_message = "\n\n".join(parts)
    ids = [o["id"] for o in objectives]
    await pilot_objectives.check_out(db, ids, (now + CHECKOUT).isoformat(timespec="seconds"))
    return CycleContext(system_prompt, user_message, ids, dropped, len(system_prompt) + len(user_message),
                        focus=_objectives(objectives, now))


async def release_objectives(app: App, ids: list[int]) -> None:
    await pilot_objectives.release(app.store, ids)


def _objectives(rows: list[dict[str, Any]], now: datetime) -> str:
    if not rows:
        return "No active objective."
    out = []
    for o in rows:
        overdue = " (OVERDUE)" if o["deadline"] and o["deadline"] < now.date().isoformat() else ""
        deadline = f" - deadline {o['deadline']}{overdue}" if o["deadline"] else ""
        out.append(f"- #{o['id']} [priority {o['priority']}] {o['goal']}{deadline}")
        out.append(f"  success criteria: {o['success_criteria']}")
        if o["cadence"]:
            out.append(f"  cadence: {o['cadence']}")
        for step in json.loads(o["plan"] or "[]"):
            evidence = f" evidence {step['evidence']}" if step.get("evidence") else ""
            note = f" - {step['note']}" if step.get("note") else ""
            out.append(f"  step {step['step']} [{step['status']}] {step['title']}{note}{evidence}")
        if json.loads(o["evidence"] or "[]"):
            out.append(f"  evidence so far: {o['evidence']}")
    return "\n".join(out)


async def _waiting(db: Database) -> str:
    pending = await approvals.pending(db, 20)
    decided = await approvals.recently_decided(db, 10)
    lines = [f"- approval #{r['id']} pending: {r['skill']} {r['arguments']} (asked {r['requested_at']}); "
             "do not ask again" for r in pending]
    lines += [f"- approval #{r['id']} {r['status']}: {r['skill']}" + (f" - {r['result']}" if r["result"] else "")
              for r in decided]
    return "\n".join(lines) or "Nothing waits for a person."


async def _health(db: Database, now: datetime) -> str:
    lines = [f"- {r['name']} is paused: {r['paused_reason']}" for r in await skill_state.paused_skills(db)]
    lines += [f"- {r['skill']} circuit open until {r['open_until']}" for r in await skill_state.open_breakers(db)]
    flagged = await flagged_skills(db, now)
    lines += [f"- {f.skill} fails often: {f.negatives}/{f.calls} negative in 24 h" for f in flagged]
    lines += [f"- automation {r['name']}: {r['last_status']}" for r in await db.fetchall(
        "SELECT name, last_status FROM automations WHERE enabled = 1 AND last_status LIKE 'error%' ORDER BY id")]
    return "\n".join(lines) or "No known problem."


async def _activity(app: App, now: datetime) -> str:
    since = (now - timedelta(hours=24)).isoformat(timespec="seconds")
    total, rows = await activity.latest_since(app.store, since, RECENT_ACTIVITY)
    if not rows:
        return "No activity."
    lines = [f"{total} calls; the latest {len(rows)}:"]
    for r in rows:
        skill = app.registry.skills.get(r["skill"])
        # Text written outside the business reaches the model only fenced, through a skill (trust/outside.py).
        said = "(holds outside text: read it with the skill)" if skill and outside.carries(skill) else (
            r["output_summary"] or "")[:120]
        tail = r["error_kind"] or said
        lines.append(f"- #{r['id']} {r['ts']} {r['caller']} {r['skill']} {r['status']}/{r['outcome']} {tail}")
    return "\n".join(lines)


async def _memory(db: Database) -> str:
    rows = await memory.recent_notes(db, excluding=RESERVED_KEYS, limit=RECENT_MEMORY)
    return "\n".join(f"- {r['key']} ({r['category']}): {clip(r['value'], 400)}" for r in rows) or "No notes yet."
