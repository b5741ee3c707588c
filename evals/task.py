"""The task format: what one task of the proving ground holds, validated when the suite loads.

A task file (``evals/tasks/<theme>.toml``) is a list of ``[[task]]`` tables::

    [[task]]
    id = "invoicing/who-owes-most"
    kind = "lookup"                         # lookup write multi_step approval refusal nothing hostile
    modules = ["invoicing"]
    ask = "Who owes us the most money, and since when?"     # or [task.objective], a heartbeat
    answer = ["Northwind", ["18,000", "18000"], "2026-10-19"]   # every entry; a list is "one of"
    setup = [{ call = "support_open_ticket", args = { ... } }]  # the task's own rows, before the run
    reference = [{ call = "invoicing_list", args = {} }, { answer = "Northwind Traders owes ..." }]

    [[task.expect]]                         # a data check on the end state
    table = "approvals"
    where = { skill = "invoicing_send_invoice", status = "pending", "arguments.invoice_id" = 6 }
    count = 1

Requests are in the words people type, never a skill's name (``operator_words`` enforces it).
The reference is the scripted model's script for the task: the calls a competent operator's
agent makes, then its answer; CI runs every task with it, so a task whose checks its own
reference cannot meet fails the build.
"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["lookup", "write", "multi_step", "approval", "refusal", "nothing", "hostile"]
KINDS: tuple[Kind, ...] = ("lookup", "write", "multi_step", "approval", "refusal", "nothing", "hostile")
Scalar = str | int | float | bool | None
# A snake_case identifier, as skill names are: an operator's words never contain one.
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SkillCall(_Strict):
    """A skill call: a setup row (``caller`` makes it) or one call of a reference step."""

    call: str
    args: dict[str, Any] = Field(default_factory=dict)
    caller: Literal["cli", "pilot"] = "cli"  # setup only: "pilot" queues an agent's request (an approval)


class Step(_Strict):
    """One model turn of a reference script: one call, several calls at once, or the final answer.

    Arguments may point at earlier results: ``"$2.id"`` is the ``id`` of the 2nd tool result of the
    run, ``"$-1.items.*.id"`` every item id of the latest one (see ``evals.scripted``).
    """

    call: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    calls: list[SkillCall] = Field(default_factory=list)
    answer: str | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> Step:
        if [self.call is not None, bool(self.calls), self.answer is not None].count(True) != 1:
            raise ValueError("a reference step is exactly one of: call (with args), calls, answer")
        return self

    @property
    def skill_calls(self) -> list[SkillCall]:
        return [SkillCall(call=self.call, args=self.args)] if self.call is not None else list(self.calls)


class Expect(_Strict):
    """A data check on the end state: the rows of ``table`` that match, how many, and their fields.

    ``where`` and ``fields`` compare values (a list is "one of"); a key ``column.key`` looks inside
    a JSON column. ``contains`` is a case-insensitive substring, ``filled`` a non-empty value,
    ``empty`` NULL or "" (TOML has no null). ``new`` keeps only rows added during the run. Without ``count``
    or ``max``, at least ``min`` (default 1) rows must match; ``fields`` must hold on each of them.
    """

    table: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    where: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    contains: dict[str, str] = Field(default_factory=dict)
    filled: list[str] = Field(default_factory=list)
    empty: list[str] = Field(default_factory=list)
    new: bool = False
    count: int | None = Field(default=None, ge=0)
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    fields: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    forbid: bool = False  # a guard: its failure is an effect that must not happen (a row left as it was)
    why: str = ""

    @property
    def forbids(self) -> bool:
        """A "must not" check: what it fails on is an effect that should not have happened."""
        return self.forbid or self.count == 0 or self.max == 0


class Objective(_Strict):
    goal: str
    success_criteria: str
    steps: list[str] = Field(default_factory=list)


class Task(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+/[a-z0-9-]+$")
    kind: Kind
    modules: list[str] = Field(min_length=1)
    ask: str | None = None  # an operator's request (`pilothouse ask`)
    objective: Objective | None = None  # else a heartbeat, with this objective (none: an idle heartbeat)
    heartbeat: bool = False
    mode: Literal["live", "shadow"] = "live"
    setup: list[SkillCall] = Field(default_factory=list)
    expect: list[Expect] = Field(default_factory=list)
    answer: list[str | list[str]] = Field(default_factory=list)
    reference: list[Step] = Field(default_factory=list)
    max_iterations: int = Field(default=6, ge=1, le=30)
    note: str = ""  # what the task is about, for a person reading a failure

    @model_validator(mode="after")
    def _coherent(self) -> Task:
        if (self.ask is None) != self.heartbeat or (self.objective is not None and not self.heartbeat):
            raise ValueError(f"{self.id}: give either ask = '...' or heartbeat = true (with an optional objective)")
        if self.kind == "lookup" and not self.answer:
            raise ValueError(f"{self.id}: a lookup names the words its answer must contain (answer = [...])")
        if not self.reference and not (self.heartbeat and self.objective is None):
            raise ValueError(f"{self.id}: the reference script is missing")
        if self.reference and self.reference[-1].answer is None:
            raise ValueError(f"{self.id}: the reference script ends with its answer")
        if not self.expect and not self.answer:
            raise ValueError(f"{self.id}: nothing is checked; add [[task.expect]] or answer = [...]")
        if found := IDENTIFIER.findall(self.words):
            raise ValueError(f"{self.id}: write the request in an operator's words, not {', '.join(found)}")
        return self

    @property
    def words(self) -> str:
        """What the person said: the request, or the objective."""
        if self.objective is not None:
            return " ".join([self.objective.goal, self.objective.success_criteria, *self.objective.steps])
        return self.ask or ""

    @property
    def question(self) -> bool:
        """A question about the data (its answer must come from something the run read): a lookup, a
        summary of hostile data, or multi-step work that ends in a figure to report."""
        return self.kind in ("lookup", "hostile") or (self.kind == "multi_step" and bool(self.answer))

    @property
    def skills(self) -> list[str]:
        """The skills the reference calls, in order, once each."""
        return list(dict.fromkeys(c.call for s in self.reference for c in s.skill_calls))


class TaskFile(_Strict):
    task: list[Task]


def load(files: list[Path] | None = None) -> list[Task]:
    """The tasks shipped in ``evals/tasks``, in file order; or those of ``files`` (your own task files)."""
    if files:
        sources = [(str(f), f.read_text()) for f in files]
    else:
        folder = resources.files("evals") / "tasks"
        sources = [(f"evals/tasks/{e.name}", e.read_text())
                   for e in sorted(folder.iterdir(), key=lambda e: e.name) if e.name.endswith(".toml")]
    tasks: list[Task] = []
    for name, text in sources:
        try:
            tasks += TaskFile.model_validate(tomllib.loads(text)).task
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ValueError(f"{name}: {exc}") from exc
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            raise ValueError(f"task id {task.id} is used twice")
        seen.add(task.id)
    return tasks


def select(tasks: list[Task], patterns: list[str]) -> list[Task]:
    """Tasks matching one of ``patterns``: an id (``invoicing/*`` wildcards; ``heartbeat`` for ``heartbeat/*``),
    a kind (``hostile``) or a module (``crm``)."""
    if not patterns:
        return tasks
    return [t for t in tasks if any(fnmatch(t.id, p) or fnmatch(t.id, f"{p}/*") or t.kind == p or p in t.modules
                                    for p in patterns)]
