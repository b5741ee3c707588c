"""A person confirms a call: the question, the answer, and who may ask it.

From chat or the CLI an approve-level call (and a people-only decision) runs only after the person
said yes. The executor validates the call and checks the skill can run, then, if the caller brought
a ``Confirmer`` (a client form over MCP, a terminal question in the CLI, the act itself for the
cockpit's buttons and the CLI's own commands: ``given``), asks it once with a ``ConfirmRequest``.
What happens without one is server/trust/consent.py's rule. The person is never asked about a call
that could not happen (invalid arguments, a paused skill, a record that does not exist is the
skill's own answer after the yes).

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
    why: str = ""  # why it is asked beyond the skill's own level (an effect it shares, outside content)
    detail: str = ""  # what the decision is about (the request a person approves, with what preceded it)
    people_only: bool = False

    @property
    def message(self) -> str:
        skill = self.skill
        fields = skill.input_model.model_fields
        shown = [f"- {name}: {_show(value)}{_about(fields[name].description)}"
                 for name, value in self.values.items() if value is not None]
        consequence = ("This is a person's decision: no model may make it for you." if self.people_only
                       else _consequence(skill))
        return "\n".join([
            f"Confirm: {skill.title} ({skill.name})",
            skill.description,
            "",
            *(["With:", *shown, ""] if shown else []),
            *([self.detail, ""] if self.detail else []),
            *([f"Why you are asked: {self.why}", ""] if self.why else []),
            f"{consequence} Nothing is done unless you confirm.",
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


def confirmation_message(skill: Skill, why: str = "") -> str:
    because = f" ({why})" if why else ""
    return (
        f"confirmation_required: {skill.name} ({skill.title}) is irreversible or reaches people outside{because}. "
        f"Tell the person exactly what will happen and ask them to confirm; then call {skill.name} again with "
        f"the same arguments and {CONFIRM_FIELD}=true."
    )


def given(via: str) -> Confirmer:
    """A yes the person gave by the act itself: a cockpit button behind its CSRF token and session, a CLI
    command typed for that decision (``pilothouse approvals approve 3``)."""
    async def confirmed(request: ConfirmRequest) -> Confirmation:
        return Confirmation("confirmed", via=via)

    return confirmed


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
