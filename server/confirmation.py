"""A person confirms an approve-trust call: the question, the answer, and who may ask it.

From chat or the CLI an ``approve`` skill runs only after the person said yes. The executor
validates the call and checks the skill can run, then, if the caller brought a ``Confirmer``
(a client form over MCP, a terminal question in the CLI), asks it once with a
``ConfirmRequest``; without one, or when it cannot ask, the call is refused with
``confirmation_required`` and the ``confirm`` argument is the way to say yes. The person is
never asked about a call that could not happen (invalid arguments, a paused skill, a record
that does not exist is the skill's own answer after the yes).

    Verdict       confirmed | declined | cancelled | unreadable | ask | unavailable
                  "ask": the question went out and the answer comes with the next request
                  (the 2026-07-28 InputRequiredResult); the executor returns ``question`` untouched.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from skills import Skill
from skills.contract import CONFIRM_FIELD

VALUE_CHARS = 200  # a long argument (a campaign body) is cut in the question, not in the call

Verdict = Literal["confirmed", "declined", "cancelled", "unreadable", "ask", "unavailable"]


@dataclass(frozen=True, slots=True)
class ConfirmRequest:
    """An approve-trust call waiting for the person: the skill and its validated arguments."""

    skill: Skill
    values: dict[str, Any]  # validated, without ``confirm``; None values left out of the question

    @property
    def message(self) -> str:
        skill = self.skill
        fields = skill.input_model.model_fields
        shown = [f"- {name}: {_show(value)}{_about(fields[name].description)}"
                 for name, value in self.values.items() if value is not None]
        return "\n".join([
            f"Confirm: {skill.title} ({skill.name})",
            skill.description,
            "",
            *(["With:", *shown, ""] if shown else []),
            f"{_consequence(skill)} Nothing is done unless you confirm.",
        ])

    def refusal(self, verdict: Verdict) -> str:
        name = f"{self.skill.name} ({self.skill.title})"
        if verdict == "declined":
            return (f"declined: the person said no to {name}; it was not run and nothing was changed. "
                    "Do not call it again unless the person asks for it.")
        if verdict == "cancelled":
            return (f"cancelled: the person closed the confirmation for {name} without answering; it was not run "
                    "and nothing was changed. Ask them in chat whether to go ahead before calling it again.")
        return (f"unconfirmed: the confirmation for {name} came back without a yes or no; it was not run and "
                "nothing was changed. Ask the person in chat whether to go ahead.")


@dataclass(frozen=True, slots=True)
class Confirmation:
    verdict: Verdict
    via: str | None = None   # how the yes was given, recorded on the call's activity row
    question: Any = None     # with "ask": what to hand back to the client (an InputRequiredResult)


Confirmer = Callable[[ConfirmRequest], Awaitable[Confirmation]]


def confirmation_message(skill: Skill) -> str:
    return (
        f"confirmation_required: {skill.name} ({skill.title}) is irreversible or reaches people outside. "
        f"Tell the person exactly what will happen and ask them to confirm; then call {skill.name} again with "
        f"the same arguments and {CONFIRM_FIELD}=true."
    )


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _about(description: str | None) -> str:
    text = (description or "").strip().rstrip(".")
    return f" ({text[:1].lower()}{text[1:]})" if text else ""


def _consequence(skill: Skill) -> str:
    destructive, outside = skill.hints.destructive, skill.hints.open_world
    if destructive and outside:
        return "This cannot be undone and reaches people outside this system."
    if destructive:
        return "This cannot be undone."
    if outside:
        return "This reaches people outside this system and cannot be taken back."
    return "This is irreversible or reaches people outside this system."
