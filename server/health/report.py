"""The health report: the seed's fields, plus providers, skill states, database and findings.

Status rules, in order (deterministic, documented here and in the README):
  unhealthy - the database cannot be read; or, while the agent is on, a platform schedule is
              missing or disabled, or the heartbeat has not run for more than twice its interval;
  degraded  - any other finding: drift from the baseline (server/health/baseline.py), a partial
              deploy (stored skill rows that differ from what the code serves), flagged, paused
              or circuit-broken skills, messages that cannot leave (no mail server, a failing
              server or webhook endpoint, dead letters, uncertain effects: server/delivery_watch.py),
              undocumented skills, invalid schemas, broken automations
              (pointing at a missing skill, or that cannot run), community packs skipped because
              they are broken (until a person switches them off), stored module settings their
              module refuses, modules not bootstrapped,
              missing or corrupted soul/identity/rules documents (server/health/documents.py),
              other stale schedules, failing jobs (the heartbeat's backoff, a platform job's
              last run);
  healthy   - nothing found.
Findings about one thing are one finding, led by its cause, each with the action that fixes it
(server/health/causes.py).
With the agent off, schedule and heartbeat checks do not apply: the platform is then a manual
backend and nothing is meant to run on its own.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from server import delivery_watch
from server.health import causes, checks, documents
from server.health.served import served_state
from server.resilience.evaluation import flagged_skills
from server.scheduler.schedules import PLATFORM_SCHEDULES
from server.tables import memory, runs, skill_state
from server.tables.skill_state import deployed_skill_rows
from server.trust.policy import standings

if TYPE_CHECKING:
    from server.app import App
    from server.health.baseline import Baseline

Status = Literal["healthy", "degraded", "unhealthy"]


class Version(BaseModel):
    skills_hash: str
    skill_count: int
    soul_exists: bool
    agents_exists: bool
    baseline_hash: str | None = None
    baseline_source: str | None = None
    drift: dict[str, list[str]] | None = None
    partial_deploy: list[str] = []


class Heartbeat(BaseModel):
    last_run: str | None
    age_minutes: float | None
    interval_minutes: float | None


class Cron(BaseModel):
    registered: list[str]
    missing: list[str]


class Integrity(BaseModel):
    score: float
    checks_run: int
    checks_passed: int
    issues: list[str]


class FindingOut(BaseModel):
    kind: str
    severity: str
    message: str
    action: str = ""  # what to do about it: a command, and the cockpit button that does the same
    subject: str = ""  # skill:NAME, job:NAME, ...: what the finding is about
    also: list[str] = []  # consequences of the same cause, not findings of their own


class ProviderState(BaseModel):
    provider: str
    cooling_down_until: str | None
    reason: str | None


class SkillStates(BaseModel):
    open_breakers: list[str]
    paused: list[str]
    flagged: list[str]
    # Listed, not findings: an owner loosens a skill on purpose (server/trust/policy.py).
    trust_loosened: list[str] = []
    trust_suggestions: list[str] = []


class Database(BaseModel):
    reachable: bool
    schema_version: int
    size_bytes: int | None


class HealthReport(BaseModel):
    status: Status
    agent_enabled: bool
    version: Version
    heartbeat: Heartbeat
    cron: Cron
    integrity: Integrity
    findings: list[FindingOut]
    providers: list[ProviderState]
    skills: SkillStates
    database: Database
    checked_at: str


async def build_report(app: App) -> HealthReport:
    now = app.clock.now()
    try:
        schema_version = await app.store.schema_version("core")
    except Exception:
        return _unreachable(now)
    agent_on = bool(await app.modules.is_enabled("pilot"))
    rows = await deployed_skill_rows(app.store)
    served = await served_state(app, rows)
    present = await memory.filled(app.store, ("soul", "agents"))

    results: list[list[checks.Finding]] = [
        await checks.skills_documented(app, rows),
        await checks.schemas_valid(app, rows),
        await checks.automations_target_skills(app, rows),
        await checks.automations_in_error(app),
        await checks.modules_bootstrapped(app),
        await checks.broken_packs(app),
        await checks.module_settings_valid(app),
        checks.partial_deploy(served),
    ]
    drift_findings, baseline, drift_detail = await checks.drift(app, served)
    results += [drift_findings, await documents.check(app, baseline), await checks.silent_and_held(app, now),
                await delivery_watch.findings(app)]
    if agent_on:
        results += [await checks.agent_documents(app), await checks.platform_schedules(app, now)]
    states, state_findings = await _skill_states(app, now)
    results.append(await causes.job_findings(app, now, agent_on))
    passed = sum(1 for group in results if not group)
    findings = causes.group([*state_findings, *(f for group in results for f in group)])
    schedules = {r["name"] for r in await app.store.fetchall("SELECT name FROM schedules WHERE enabled = 1")}
    return HealthReport(
        status=_status(findings),
        agent_enabled=agent_on,
        version=Version(skills_hash=served.skills_hash, skill_count=len(served.per_skill),
                        soul_exists="soul" in present, agents_exists="agents" in present,
                        baseline_hash=baseline.skills_hash if baseline else None,
                        baseline_source=_source(baseline), drift=drift_detail, partial_deploy=sorted(served.stale)),
        heartbeat=await _heartbeat(app, now),
        cron=Cron(registered=sorted(schedules),
                  missing=sorted(set(PLATFORM_SCHEDULES) - schedules) if agent_on else []),
        integrity=Integrity(score=round(passed / len(results), 3), checks_run=len(results), checks_passed=passed,
                            issues=[f.message for f in findings]),
        findings=[FindingOut(kind=f.kind, severity=f.severity, message=f.message, action=f.action, subject=f.subject,
                             also=list(f.also)) for f in findings],
        providers=await _providers(app, now),
        skills=states,
        database=Database(reachable=True, schema_version=schema_version, size_bytes=_size(app.store.path)),
        checked_at=now.isoformat(timespec="seconds"),
    )


def _source(baseline: Baseline | None) -> str | None:
    if baseline is None:
        return None
    if baseline.scope == "release":
        return f"release {baseline.release} (shipped)"
    return f"{baseline.source or 'stored'} at {baseline.set_at}"


def _status(findings: list[checks.Finding]) -> Status:
    if any(f.severity == "unhealthy" for f in findings):
        return "unhealthy"
    return "degraded" if findings else "healthy"


async def _heartbeat(app: App, now: datetime) -> Heartbeat:
    last = await runs.last_attempted_at(app.store)
    schedule = await app.store.fetchone("SELECT cron, timezone FROM schedules WHERE name = 'heartbeat'")
    every = checks.interval(schedule["cron"], schedule["timezone"], now) if schedule else None
    age = (now - datetime.fromisoformat(last)).total_seconds() / 60 if last else None
    return Heartbeat(last_run=last, age_minutes=round(age, 1) if age is not None else None,
                     interval_minutes=every.total_seconds() / 60 if every else None)


async def _skill_states(app: App, now: datetime) -> tuple[SkillStates, list[checks.Finding]]:
    """The skills' states, and their findings (a paused skill's breaker and failures are its pause's)."""
    paused = await skill_state.paused_skills(app.store)
    names = {r["name"] for r in paused}
    broken = [r for r in await skill_state.open_breakers(app.store) if r["skill"] not in names]
    flags = [f for f in await flagged_skills(app.store, now) if f.skill not in names]
    automations = await app.store.fetchall("SELECT id, name, skill FROM automations WHERE enabled = 1 ORDER BY id")
    trust = await standings(app)
    states = SkillStates(open_breakers=[r["skill"] for r in broken], paused=sorted(names),
                         flagged=[f.skill for f in flags],
                         trust_loosened=[f"{s.skill}: {s.trust} (default {s.default})" for s in trust if s.loosened],
                         trust_suggestions=[s.suggestion for s in trust if s.suggestion])
    return states, causes.skill_findings(paused, broken, flags, automations)


async def _providers(app: App, now: datetime) -> list[ProviderState]:
    rows = await app.store.fetchall("SELECT provider, cooldown_until, reason FROM provider_state ORDER BY provider")
    return [ProviderState(provider=r["provider"], reason=r["reason"],
                          cooling_down_until=r["cooldown_until"] if r["cooldown_until"] and
                          r["cooldown_until"] > now.isoformat(timespec="seconds") else None) for r in rows]


def _size(path: str) -> int | None:
    return os.path.getsize(path) if path != ":memory:" and os.path.exists(path) else None


def _unreachable(now: datetime) -> HealthReport:
    return HealthReport(
        status="unhealthy", agent_enabled=False,
        version=Version(skills_hash="", skill_count=0, soul_exists=False, agents_exists=False),
        heartbeat=Heartbeat(last_run=None, age_minutes=None, interval_minutes=None),
        cron=Cron(registered=[], missing=[]),
        integrity=Integrity(score=0.0, checks_run=1, checks_passed=0, issues=["the database cannot be read"]),
        findings=[FindingOut(kind="database", severity="unhealthy", message="the database cannot be read")],
        providers=[], skills=SkillStates(open_breakers=[], paused=[], flagged=[]),
        database=Database(reachable=False, schema_version=0, size_bytes=None),
        checked_at=now.isoformat(timespec="seconds"),
    )
