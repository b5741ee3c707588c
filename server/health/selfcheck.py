"""The scheduled self-check (every 6 hours as the `health_self_check` platform schedule).

1. compute the report; a corrupted agent document is restored at once (from its last good
   version or its template, server/health/documents.py) and the report computed again;
2. store it in the activity log (caller ``system``) so it can be trended (``history``,
   ``pilothouse health history``);
3. degraded -> one self-heal objective per kind of finding, never a second while one is open;
4. unhealthy -> an alert in the log and an admin notification.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from modules.pilot import objectives
from server.health import documents
from server.health.baseline import BaselineError, effective
from server.health.report import HealthReport, build_report
from server.notify import notify_admin
from server.tables import activity
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

SKILL = "health_self_check"
# What the agent is asked to do for each kind of finding; the self-heal skills do the work.
REMEDIES = {
    "drift": "Review the skills that changed since the baseline; if intended, set a new baseline "
             "(health_set_baseline), otherwise re-bootstrap their modules (health_rebootstrap_module).",
    "partial_deploy": "Re-seed the modules named in the findings so their stored skills match the running code "
                      "(health_rebootstrap_module; a person: pilothouse modules enable <module>).",
    "document_corrupted": "Compare the named document with what a person last approved; ask a person to "
                          "restore or re-edit it (pilot_memory_set with edit_reserved=true).",
    "baseline": "Ask a person to fix or unset PILOTHOUSE_BASELINE (the file cannot be used).",
    "broken_automation": "Disable automations that point to missing or disabled skills (health_disable_automation).",
    "module_not_bootstrapped": "Re-bootstrap the module (health_rebootstrap_module).",
    "missing_document": "Reseed the missing documents from the templates (health_reseed_documents).",
    "skill_paused": "Find out why the skill was paused (activity feed), fix the cause, then ask a person to "
                    "resume it.",
    "breaker_open": "Find out why the skill fails (activity feed); its breaker retries by itself.",
    "skill_failing": "Find out why the skill fails (activity feed) and fix the cause.",
}


async def run_self_check(app: App) -> HealthReport:
    report = await build_report(app)
    restored: list[str] = []
    if any(f.kind == documents.KIND for f in report.findings):
        try:
            restored = await documents.restore(app, await effective(app))
        except BaselineError:
            restored = await documents.restore(app, None)
        if restored:
            log.warning("restored corrupted agent documents: %s", ", ".join(restored))
            report = await build_report(app)
    now = app.clock.now()
    now_iso = now.isoformat(timespec="seconds")
    kinds = sorted({f.kind for f in report.findings})
    summary = {"status": report.status, "score": report.integrity.score, "kinds": kinds,
               "findings": len(report.findings), "skills_hash": report.version.skills_hash,
               "restored": restored}
    async with app.store.transaction() as tx:
        await activity.write(
            tx, ts=now_iso, caller="system", run_id=None, skill=SKILL, module_id=None, arguments={},
            output_summary=json.dumps(summary), status="ok", outcome="success", error_kind=None, error=None,
            duration_ms=0.0, attempts=1)
        if report.status != "healthy":
            for kind in kinds:
                if kind in REMEDIES:
                    await _open_objective(tx, kind, [f.message for f in report.findings if f.kind == kind], now_iso)
        if report.status == "unhealthy":
            problems = [f.message for f in report.findings if f.severity == "unhealthy"]
            log.error("instance unhealthy: %s", "; ".join(problems))
            await notify_admin(tx, kind="instance_unhealthy", title="Pilothouse instance is unhealthy",
                               body="\n".join(f"- {p}" for p in problems) + "\n\nRun `pilothouse health` for details.",
                               now=now)
    return report


async def _open_objective(tx: Database, kind: str, messages: list[str], now_iso: str) -> None:
    await objectives.open_once(tx, kind=f"selfheal:{kind}", goal=f"Self-heal ({kind}): " + "; ".join(messages)[:400],
                               criteria="The next self-check no longer reports this finding.",
                               first_step=REMEDIES[kind], now_iso=now_iso)


@dataclass(frozen=True)
class CheckRecord:
    checked_at: str
    status: str
    score: float | None
    findings: int
    skills_hash: str
    kinds: list[str]
    restored: list[str]


async def history(app: App, limit: int = 20) -> list[CheckRecord]:
    """The last self-checks, newest first: when, status, score, hash and how many findings."""
    found = []
    for row in await activity.recent(app.store, skill=SKILL, limit=limit):
        try:
            summary = json.loads(row["output_summary"] or "{}")
        except ValueError:  # not a row this module wrote
            continue
        kinds = list(summary.get("kinds", []))
        found.append(CheckRecord(checked_at=row["ts"], status=str(summary.get("status")), score=summary.get("score"),
                                 findings=int(summary.get("findings", len(kinds))),
                                 skills_hash=str(summary.get("skills_hash", "")), kinds=kinds,
                                 restored=list(summary.get("restored", []))))
    return found
