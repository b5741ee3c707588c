"""The start state of an attempt: the seeded template, copied, plus the task's own rows.

The template is built once per eval run: a fresh instance with the agent on and every module's
demo data (what ``pilothouse agent enable`` and ``pilothouse seed-demo`` make), at a fixed
instant, so ids, dates and amounts are the same in every attempt and every run. Each attempt
gets its own copy (SQLite's backup API, a consistent single file), then its setup rows through
the executor, as the person (``cli``) or, for requests the agent already made, as ``pilot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evals.task import Task
from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import open_app
from server.backup import backup
from server.demo import seed_demo
from server.testing.clock import START, FakeClock
from server.trust import mode

# Every attempt happens at this instant: Monday 2 November 2026, 09:00 UTC (the test suite's START).
EVAL_START = START
CONFIRM = "confirm"  # an approve-trust skill called by a person in setup is confirmed, as `call --yes` does


class SetupError(RuntimeError):
    """A task's own rows could not be made: the task is wrong, not the model."""


@dataclass(frozen=True, slots=True)
class SkillFacts:
    """What the invariants need to know of a skill, from the code that serves it."""

    module: str
    read_only: bool
    idempotent: bool


@dataclass(frozen=True)
class Template:
    path: Path
    skills: dict[str, SkillFacts]

    @classmethod
    async def build(cls, folder: Path) -> Template:
        path = folder / "template.db"
        async with open_app(path, clock=FakeClock(EVAL_START)) as app:
            await enable_agent(app)
            await seed_demo(app)
            facts = {s.name: SkillFacts(s.module_id, bool(s.hints.read_only), bool(s.hints.idempotent))
                     for s in app.registry.skills.values()}
        return cls(path, facts)


def clock() -> FakeClock:
    return FakeClock(EVAL_START)


async def prepare(template: Template, task: Task, path: Path) -> None:
    """Copy the template to ``path`` and add the task's rows, mode and objective."""
    backup(template.path, path, overwrite=True)
    async with open_app(path, clock=clock()) as app:
        if task.mode == "shadow":
            await mode.set_mode(app, "shadow", who="cli")
        for row in task.setup:
            await _setup_call(app, task, row.call, dict(row.args), row.caller)
        if task.objective is not None:
            await _setup_call(app, task, "pilot_create_objective", {
                "goal": task.objective.goal, "success_criteria": task.objective.success_criteria,
                "steps": list(task.objective.steps)}, "cli")


async def _setup_call(app: App, task: Task, skill: str, args: dict[str, object], caller: str) -> None:
    registered = app.registry.skills.get(skill)
    if registered is not None and registered.trust == "approve" and caller == "cli":
        args.setdefault(CONFIRM, True)
    result = await app.executor.call(skill, args, caller="pilot" if caller == "pilot" else "cli")
    queued = caller == "pilot" and result.approval_id is not None
    if not result.ok and not queued:
        raise SetupError(f"{task.id}: setup {skill} {args} failed: {result.message}")
