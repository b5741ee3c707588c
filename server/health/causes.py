"""One cause, one finding: what health says about the skills' state and the jobs, and the grouping.

A person reads the report to know what to do. Each finding names its ``subject`` (``skill:NAME``,
``job:NAME``...) and the ``action`` that fixes it (a command, and the cockpit button that does the
same); findings about one subject merge into the one that names the cause, its consequences kept
as ``also``. One auto-paused skill is one finding, "paused: <why>; fix the cause, then resume",
with the automation that waits for it and its open breaker listed under it, not four findings.
(Drift does not see a paused skill as removed: a pause is the skill's state, not a deploy.)

The heartbeat and the platform's jobs are reported as jobs: no one can resume them like a skill,
and what gets them going again is a person's cycle (``heartbeat --once``) or ``agent reset``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server.health.checks import Finding
from server.resilience.backoff import STREAK_START, failure_streak, skip_probability
from server.scheduler.schedules import AGENT_SCHEDULES

if TYPE_CHECKING:
    from server.app import App

# Which finding leads when several are about one subject: the cause before its consequences.
LEADS = ("skill_paused", "partial_deploy", "breaker_open", "silent_degradation", "skill_failing", "invalid_schema",
         "broken_automation", "job_failing")


def resume(name: str) -> str:
    return f"pilothouse skills resume {name} (cockpit: Resume)"


def skill_findings(paused: Sequence[dict[str, Any]], breakers: Sequence[dict[str, Any]],
                   flagged: Sequence[Any], automations: Sequence[dict[str, Any]]) -> list[Finding]:
    """The skills' state as findings: paused (with what waits for it), broken, failing."""
    found = []
    for row in paused:
        name = row["name"]
        waiting = tuple(f"automation #{a['id']} '{a['name']}' does not run while {name} is paused"
                        for a in automations if a["skill"] == name)
        found.append(Finding("skill_paused", f"skill {name} is paused: {row['paused_reason']}",
                             subject=f"skill:{name}", action=f"fix the cause, then: {resume(name)}", also=waiting))
    for row in breakers:
        name, until = row["skill"], row["open_until"]
        found.append(Finding("breaker_open", f"skill {name}'s circuit breaker is open until {until}: its last calls "
                             "failed", subject=f"skill:{name}",
                             action=f"it tries again by itself after {until}; to try now: {resume(row['skill'])}"))
    for flag in flagged:
        found.append(Finding("skill_failing", f"skill {flag.skill} failed in {flag.negatives} of its {flag.calls} "
                             "calls in the last 24 h", subject=f"skill:{flag.skill}",
                             action=f"see why: pilothouse activity --skill {flag.skill} --status error "
                                    "(the flag clears as its calls succeed)"))
    return found


async def job_findings(app: App, now: datetime, agent_on: bool) -> list[Finding]:
    """The heartbeat and the platform's scheduled jobs, as jobs: failing ones, with how to get them going."""
    found = []
    streak = await failure_streak(app.store) if agent_on else 0
    if streak >= STREAK_START:
        last = await app.store.fetchone(
            "SELECT detail FROM heartbeats WHERE status IN ('failed', 'timeout') ORDER BY id DESC LIMIT 1")
        why = json.loads((last or {}).get("detail") or "{}").get("reason") or "no reason recorded"
        found.append(Finding(
            "job_failing", f"the heartbeat (the agent's job) failed its last {streak} cycles; the schedule now skips "
            f"{skip_probability(streak):.0%} of its cycles. Last: {why}", subject="job:heartbeat",
            action="fix the cause, then run one now: pilothouse heartbeat --once, or clear the backoff: "
                   "pilothouse agent reset (cockpit: Reset the backoff)"))
    rows = await app.store.fetchall("SELECT name, last_run, last_status, next_run FROM schedules WHERE enabled = 1 "
                                    "ORDER BY name")
    for row in rows:
        if not (row["last_status"] or "").startswith("error") or row["name"] == "heartbeat" or (
                row["name"] in AGENT_SCHEDULES and not agent_on):
            continue
        found.append(Finding("job_failing", f"the {row['name']} job failed at its last run ({row['last_run']}): "
                             f"{row['last_status']}", subject=f"job:{row['name']}",
                             action=f"it runs again at {row['next_run']}; the server log has the traceback"))
    return found


def group(findings: Iterable[Finding]) -> list[Finding]:
    """Merge the findings about one subject into the one that names the cause (``LEADS``); order kept."""
    merged: dict[str, list[Finding]] = {}
    order: list[str | Finding] = []
    for finding in findings:
        if not finding.subject:
            order.append(finding)
            continue
        if finding.subject not in merged:
            merged[finding.subject] = []
            order.append(finding.subject)
        merged[finding.subject].append(finding)
    result = []
    for item in order:
        if isinstance(item, Finding):
            result.append(item)
            continue
        same = sorted(merged[item], key=lambda f: LEADS.index(f.kind) if f.kind in LEADS else len(LEADS))
        lead = same[0]
        also = [*lead.also, *(m for f in same[1:] for m in (f.message, *f.also))]
        severity = "unhealthy" if any(f.severity == "unhealthy" for f in same) else lead.severity
        result.append(Finding(lead.kind, lead.message, severity, lead.subject, lead.action, tuple(also)))
    return result
