"""Integrity checks. Each returns the findings it made; a check with no finding passed.

Severity ``unhealthy`` is for what stops the instance doing its job (missing platform
schedules or a dead heartbeat while the agent is on); everything else is ``degraded``. Every
finding says what to do (``action``) and what it is about (``subject``: findings about one
subject become one, server/health/causes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from server.cache import runtime_cache, skill_schemas
from server.scheduler import cron
from server.scheduler.automations import CANNOT_RUN
from server.scheduler.schedules import PLATFORM_SCHEDULES
from server.tables import automations, memory, skill_state
from skills import Skill

if TYPE_CHECKING:
    from server.app import App
    from server.health.baseline import Baseline
    from server.health.served import Served

Severity = Literal["degraded", "unhealthy"]
SCHEMA_CHECK_PREFIX = "schema_check:"


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    severity: Severity = "degraded"
    subject: str = ""  # skill:NAME, job:NAME, automation:ID, module:ID; "" for the instance as a whole
    action: str = ""  # what a person does about it: a command, and the cockpit button that does the same
    also: tuple[str, ...] = ()  # consequences of the same cause (causes.group)


def interval(expr: str, tz: str, now: datetime) -> timedelta:
    first = cron.next_after(expr, tz, now)
    return cron.next_after(expr, tz, first) - first


async def skills_documented(app: App, rows: list[dict[str, Any]]) -> list[Finding]:
    thin = [r["name"] for r in rows if not (r["description"] or "").strip() or not (r["instructions"] or "").strip()]
    return [Finding("undocumented_skill", f"skill {n} has no description or instructions", subject=f"skill:{n}",
                    action="document it in its module's code: the docstring summary and instructions=")
            for n in thin]


@lru_cache(maxsize=8192)
def schema_problems(skill: Skill) -> tuple[str, ...]:
    """Definitions never change while the process runs, so each skill's schemas are checked once."""
    from jsonschema.exceptions import best_match

    problems = []
    for which, schema in (("input", skill.input_schema()), ("output", skill.output_schema())):
        error = best_match(_meta_validator().iter_errors(schema))
        if error is not None:
            problems.append(f"skill {skill.name}: {which} schema is invalid: {error.message}")
    return tuple(problems)


@lru_cache(maxsize=1)
def _meta_validator() -> Any:
    """One validator of the 2020-12 meta-schema, reused (check_schema builds a new one per call),
    and built on the first health report: jsonschema costs ~35 ms of every server start otherwise."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


async def schemas_valid(app: App, rows: list[dict[str, Any]]) -> list[Finding]:
    problems = await checked_schemas(app)
    found = []
    for row in rows:
        if row["name"] not in app.registry.skills:
            found.append(Finding("unknown_skill_row", f"skill {row['name']} is enabled but no module defines it",
                                 subject=f"skill:{row['name']}", action="reinstall the module that defined it, or "
                                 "disable that module: pilothouse modules disable MODULE"))
            continue
        found += [Finding("invalid_schema", problem, subject=f"skill:{row['name']}",
                          action="fix the skill's signature in its module's code")
                  for problem in problems.get(row["name"], ())]
    return found


async def checked_schemas(app: App) -> dict[str, list[str]]:
    """Each defined skill's schema problems, validated once per version of the code.

    Validating ~170 skills' schemas against the 2020-12 meta-schema takes ~0.5 s, paid by every
    `pilothouse health` process; the result depends only on the code, so it is kept in
    ``runtime_cache`` under the same source fingerprint as the schemas themselves.
    """
    registry = app.registry
    key = SCHEMA_CHECK_PREFIX + skill_schemas.fingerprint(registry)
    cached: dict[str, list[str]] | None = await runtime_cache.read(app.store, key)
    if cached is not None and set(cached) == set(registry.skills):
        return cached
    problems = {name: list(schema_problems(skill)) for name, skill in sorted(registry.skills.items())}
    await runtime_cache.write(app.store, key, problems, app.clock.now(), replacing=SCHEMA_CHECK_PREFIX)
    return problems


async def automations_target_skills(app: App, rows: list[dict[str, Any]]) -> list[Finding]:
    enabled = {r["name"] for r in rows}
    autos = await app.store.fetchall("SELECT id, module_id, name, skill FROM automations a WHERE a.enabled = 1 AND "
                                     "a.module_id IN (SELECT id FROM modules WHERE enabled = 1)")
    found = []
    skipped = {b.id for b in app.registry.broken}  # a broken pack's: broken_packs says why, once
    for a in autos:
        if a["skill"] in enabled or a["module_id"] in skipped:
            continue
        known = app.registry.skills.get(a["skill"])
        fix = (f"enable it (pilothouse modules enable {known.module_id}) or " if known else "") + \
            f"switch the automation off: pilothouse automations disable {a['id']}"
        found.append(Finding("broken_automation", f"automation #{a['id']} '{a['name']}' runs {a['skill']}, which is "
                             f"{'missing' if known is None else 'disabled'}", subject=f"skill:{a['skill']}",
                             action=fix))
    return found


async def broken_packs(app: App) -> list[Finding]:
    """Community packs the instance skipped (they failed to load or broke the contract), unless a person
    switched them off (`pilothouse modules disable ID`): each with what is wrong and how to fix it."""
    stored = await skill_state.module_rows(app.store)
    return [Finding("broken_pack", f"community pack {b.id} ({b.source}) is skipped: {b.error}. To fix: {b.fix}")
            for b in app.registry.broken if stored.get(b.id, {}).get("enabled", True)]


async def automations_in_error(app: App) -> list[Finding]:
    """Automations the dispatcher skips because they cannot run (a cron line stored before lines were
    checked, a config edited by hand): each says what is wrong, and the others keep running."""
    rows = await automations.due_rows(app.store)
    return [Finding("broken_automation", r["last_status"].removeprefix("error: ")) for r in rows
            if (r["last_status"] or "").startswith(CANNOT_RUN)]


async def module_settings_valid(app: App) -> list[Finding]:
    """Stored module settings the module's model refuses (written before settings were checked): the
    default applies meanwhile, and each finding says how to fix it."""
    from server.module_settings import problems

    found = []
    for module_id in sorted(await app.modules.enabled_ids()):
        module = app.registry.modules.get(module_id)
        if module is not None:
            stored = await app.modules.stored_settings(module_id)
            found += [Finding("module_settings", problem) for problem in problems(module, stored)]
    return found


async def modules_bootstrapped(app: App) -> list[Finding]:
    found = []
    for module_id in sorted(await app.modules.enabled_ids()):
        module = app.registry.modules.get(module_id)
        if module is not None and not await app.modules.is_seeded(module):
            found.append(Finding("module_not_bootstrapped", f"module {module_id} is enabled but its skills or "
                                 "automations are not seeded", subject=f"module:{module_id}",
                                 action=f"seed it: pilothouse modules enable {module_id}"))
    return found


async def agent_documents(app: App) -> list[Finding]:
    present = await memory.filled(app.store, ("soul", "agents"))
    return [Finding("missing_document", f"the agent's {key} document is missing", subject=f"document:{key}",
                    action="restore it from its template: pilothouse health check")
            for key in ("soul", "agents") if key not in present]


async def platform_schedules(app: App, now: datetime) -> list[Finding]:
    rows = {r["name"]: r for r in await app.store.fetchall("SELECT * FROM schedules")}
    found = []
    for name in PLATFORM_SCHEDULES:
        row = rows.get(name)
        if row is None or not row["enabled"]:
            found.append(Finding("missing_schedule", f"platform schedule {name} is "
                                 f"{'missing' if row is None else 'disabled'}", "unhealthy", f"job:{name}",
                                 "register the platform schedules again: pilothouse agent enable"))
            continue
        every = interval(row["cron"], row["timezone"], now)
        # Silent cron death: due more than an interval ago and still not run.
        overdue = row["next_run"] and datetime.fromisoformat(row["next_run"]) < now - every
        stale = row["last_run"] and datetime.fromisoformat(row["last_run"]) < now - 2 * every
        if overdue or stale:
            last = row["last_run"] or "never"
            found.append(Finding("stale_schedule", f"schedule {name} last ran {last}; it should run every "
                                 f"{every}", "unhealthy" if name == "heartbeat" else "degraded", f"job:{name}",
                                 "nothing runs the scheduler: keep pilothouse serve --http or pilothouse worker "
                                 "running (deploy/systemd)"))
    return found


def partial_deploy(served: Served) -> list[Finding]:
    """One finding per skill whose stored row is not what the running code serves."""
    return [Finding("partial_deploy", f"skill {name}: the running code serves another definition than its stored "
                    f"row (module {module_id} was updated but not re-seeded); re-seed it: pilothouse modules "
                    f"enable {module_id}", subject=f"skill:{name}", action=f"pilothouse modules enable {module_id}")
            for name, module_id in sorted(served.stale.items())]


async def drift(app: App, served: Served) -> tuple[list[Finding], Baseline | None, dict[str, list[str]] | None]:
    """Differences from the baseline in force, named; (findings, the baseline, the detail)."""
    from server.health.baseline import BaselineError, compare, effective

    try:
        baseline = await effective(app)
    except BaselineError as exc:
        return [Finding("baseline", str(exc), action="import a valid baseline: pilothouse health baseline import "
                        "FILE (or unset PILOTHOUSE_BASELINE)")], None, None
    if baseline is None:
        return [], None, None
    found = compare(baseline, served)
    detail = found.detail()
    if not found.any:
        return [], baseline, detail
    parts = [f"{k}: {', '.join(v)}" for k, v in detail.items() if v]
    against = "the release baseline" if baseline.scope == "release" else f"the baseline ({baseline.source})"
    return [Finding("drift", f"skills differ from {against} (" + "; ".join(parts) + ")",
                    action="if the change was intended, accept it: pilothouse health baseline set")], baseline, detail


async def silent_and_held(app: App, now: datetime) -> list[Finding]:
    """Skills flagged for having no effect for a day, and automations the cascade bounds held back."""
    from server.scheduler import cascade

    found = [Finding("silent_degradation", f"skill {r['skill']} is degraded since {r['degraded_since']}: "
                     f"{r['degraded_reason']}", subject=f"skill:{r['skill']}",
                     action="check its credentials and settings; the flag clears on its next call that does something")
             for r in await skill_state.degraded_skills(app.store)]
    found += [Finding("automation_held", f"automation #{r['id']} '{r['name']}' held back work at {r['held_at']} "
                      f"({r['held']} event(s) dropped in all): {r['held_reason']}", subject=f"automation:{r['id']}",
                      action="see what it runs and how often: pilothouse automations list")
              for r in await cascade.recently_held(app.store, now)]
    return found
