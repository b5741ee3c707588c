"""An automation: a trigger (a cron line or an event) that runs one of the module's skills, checked
when the module is declared, so a line that can never run fails the import, not the scheduler.

What ``Module`` checks for each automation (``check_automation``), with the fix in the message:

- the skill is one of the module's, and a ``platform`` automation does not target an approve-trust
  skill (it would only ever queue requests nobody is there to see);
- ``cron``: ``config={"schedule": "0 9 * * 1"}`` and optionally ``"timezone": "Europe/Paris"``, both
  valid (skills/schedule.py); ``event``: ``config={"event": "lead.created"}``, an event name of
  lowercase dotted words (``<thing>.<what happened>``);
- ``arguments`` are the skill's parameters: no unknown name, every required one given, every
  literal value valid for the parameter's type; a ``"{{event.payload.id}}"`` placeholder (event
  automations only) is filled from the event when it fires and checked then;
- ``max_depth`` and ``max_runs_per_hour`` are at least 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from skills.contract import ContractError
from skills.schedule import ScheduleError, check_cron

if TYPE_CHECKING:
    from skills.contract import Skill

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
CONFIG_KEYS = {"cron": ("schedule", "timezone"), "event": ("event",)}


@dataclass(frozen=True, slots=True)
class Automation:
    """A trigger that runs a skill: ``cron`` (config ``{"schedule": "0 9 * * *"}``, optionally with a
    ``"timezone"``) or ``event`` (config ``{"event": "lead.created"}``).

    ``arguments`` are the skill's arguments, as a caller would pass them (``{"days": 30}``); in an
    event automation a value may be a placeholder filled from the event that fired it:
    ``{"lead_id": "{{event.payload.id}}"}`` (a whole-string placeholder keeps the value's type).

    ``executor`` says whose work it is. ``platform``: work a person's own action implies, taking no
    decision on the owner's behalf (deliver the mail they queued, publish the post they scheduled,
    expire a quote at its date, rule-based scoring); it runs whenever the instance runs, agent or
    not. ``pilot``: the agent acting on the owner's behalf (dunning a customer, following up a
    lead); it runs only while the agent is on. A ``platform`` automation may not target an
    approve-trust skill (registration refuses it); whatever runs one, its call is queued for a
    person's approval, never run on the spot.

    Cascades are bounded: an event automation does not fire on an event ``max_depth`` or more
    levels below the event that started its chain (default 3), and no automation runs more than
    ``max_runs_per_hour`` times an hour (None: the platform's default, 120); events over the
    rate wait for the next hour, nothing is dropped but what the depth limit holds back."""

    name: str
    trigger: Literal["cron", "event"]
    config: dict[str, Any]
    skill: str
    arguments: dict[str, Any] = field(default_factory=dict)
    executor: Literal["platform", "pilot"] = "platform"
    description: str = ""
    max_depth: int = 3
    max_runs_per_hour: int | None = None


def check_automation(module_id: str, automation: Automation, skills: dict[str, Skill]) -> None:
    """Raise ``ContractError`` naming what is wrong with ``automation`` and how to fix it."""
    where = f"module {module_id}: automation {automation.name!r}"
    if not automation.name.strip():
        raise ContractError(f"module {module_id}: an automation needs a name")
    if automation.trigger not in CONFIG_KEYS:
        raise ContractError(f"{where}: trigger {automation.trigger!r} is neither 'cron' nor 'event'")
    if automation.executor not in ("platform", "pilot"):
        raise ContractError(f"{where}: executor {automation.executor!r} is neither 'platform' nor 'pilot'")
    target = skills.get(automation.skill)
    if target is None:
        raise ContractError(f"{where} runs unknown skill {automation.skill!r}; the module's skills: "
                            f"{', '.join(sorted(skills))}")
    if automation.executor == "platform" and target.trust == "approve":
        raise ContractError(
            f"module {module_id}: platform automation {automation.name!r} targets {automation.skill!r}, an "
            "approve-trust skill, which runs only with a "
            "person's approval. Declare it executor='pilot' (the agent asks for the approval) or target a skill "
            "of trust auto or notify.")
    _check_config(where, automation)
    _check_arguments(where, automation, target)
    if automation.max_depth < 1 or (automation.max_runs_per_hour is not None and automation.max_runs_per_hour < 1):
        raise ContractError(f"{where}: max_depth and max_runs_per_hour must be at least 1")


def _check_config(where: str, automation: Automation) -> None:
    accepted = CONFIG_KEYS[automation.trigger]
    unknown = sorted(set(automation.config) - set(accepted))
    if unknown:
        raise ContractError(f"{where}: config {', '.join(map(repr, unknown))} is not a {automation.trigger} "
                            f"setting; a {automation.trigger} automation takes {', '.join(map(repr, accepted))}")
    if automation.trigger == "cron":
        if "schedule" not in automation.config:
            raise ContractError(f"{where} needs config={{'schedule': '<cron line>'}}, e.g. '0 9 * * 1'")
        try:
            check_cron(automation.config["schedule"], automation.config.get("timezone", "UTC"))
        except ScheduleError as exc:
            raise ContractError(f"{where}: {exc}") from None
        return
    event = automation.config.get("event")
    if not isinstance(event, str) or not EVENT_NAME.match(event):
        raise ContractError(f"{where} needs config={{'event': '<name>'}} with an event name in lowercase dotted "
                            f"words such as 'lead.created' or 'invoice.overdue'; got {event!r}")


def _check_arguments(where: str, automation: Automation, target: Skill) -> None:
    fields = target.inputs.fields  # name -> (annotation, default or ..., description)
    unknown = sorted(set(automation.arguments) - set(fields))
    if unknown:
        accepted = ", ".join(sorted(fields)) or "no arguments"
        raise ContractError(f"{where}: {target.name} has no parameter {', '.join(map(repr, unknown))}; "
                            f"it takes {accepted}")
    missing = sorted(n for n, (_, default, _) in fields.items() if default is ... and n not in automation.arguments)
    if missing:
        raise ContractError(f"{where}: {target.name} needs {', '.join(map(repr, missing))}; give "
                            f"{'it' if len(missing) == 1 else 'them'} in arguments=")
    templated = {n for n, v in automation.arguments.items() if _has_placeholder(v)}
    if templated and automation.trigger == "cron":
        raise ContractError(f"{where}: argument(s) {', '.join(sorted(templated))} use an {{{{event...}}}} "
                            "placeholder, which only an event automation can fill")
    literal = {n: v for n, v in automation.arguments.items() if n not in templated}
    if not literal:
        return
    try:
        target.input_model.model_validate(literal)
    except ValidationError as exc:
        wrong = [e for e in exc.errors() if e["type"] != "missing" and e["loc"] and e["loc"][0] in literal]
        if wrong:
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e['input']!r})" for e in wrong)
            raise ContractError(f"{where}: arguments for {target.name} are invalid: {detail}") from None


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value and "}}" in value
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return False
