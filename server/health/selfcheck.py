"""The scheduled self-check (every 6 hours as the `health_self_check` platform schedule).

1. compute the report; 2. store it in the activity log (caller ``system``) so it can be trended;
3. degraded -> one self-heal objective per kind of finding, never a second while one is open;
4. unhealthy -> an alert in the log and an admin notification.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from modules.pilot.model import Step
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
    "broken_automation": "Disable automations that point to missing or disabled skills (health_disable_automation).",
    "module_not_bootstrapped": "Re-bootstrap the module (health_rebootstrap_module).",
    "missing_document": "Reseed the missing documents from the templates (health_reseed_documents).",
    "skill_state": "Find out why the skill fails (activity feed), fix the cause, then ask a person to resume it.",
}


async def run_self_check(app: App) -> HealthReport:
    report = await build_report(app)
    now = app.clock.now()
    now_iso = now.isoformat(timespec="seconds")
    kinds = sorted({f.kind for f in report.findings})
    summary = {"status": report.status, "score": report.integrity.score, "kinds": kinds,
               "skills_hash": report.version.skills_hash}
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
    objective_kind = f"selfheal:{kind}"
    exists = await tx.fetchone("SELECT id FROM objectives WHERE kind = ? AND status IN ('active', 'paused')",
                               (objective_kind,))
    if exists:
        return
    goal = f"Self-heal ({kind}): " + "; ".join(messages)[:400]
    await tx.execute(
        "INSERT INTO objectives (goal, status, priority, success_criteria, plan, kind, created_at, updated_at) "
        "VALUES (?, 'active', 2, ?, ?, ?, ?, ?)",
        (goal, "The next self-check no longer reports this finding.",
         # The agent's own plan format: the objective skills and the heartbeat read it back.
         json.dumps([Step(step=1, title=REMEDIES[kind]).model_dump()]), objective_kind, now_iso, now_iso))
