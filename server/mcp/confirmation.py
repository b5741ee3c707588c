"""The person confirms an approve-trust call from inside the tools/call (MCP elicitation).

From chat, an ``approve`` skill runs only after the person said yes. Without help from the
client that rests on the model: it is refused with ``confirmation_required``, must ask in chat
and call again with ``confirm=true``. A client that can show a form lets the server ask the
person itself, with a message it wrote, so the yes comes from the person rather than the model:

- 2025-11-25 sessions: a server-initiated ``elicitation/create`` (form mode) while the call waits;
- 2026-07-28 requests: an ``InputRequiredResult`` carrying the same form; the client asks and
  calls again with the answer and the ``requestState`` we minted (sealed by the SDK's
  ``RequestStateBoundary`` and bound to this tool and these arguments, so an answer counts only
  for the question we asked about this exact call).

Clients that declared no form elicitation keep the explicit ``confirm`` argument. A call that
already says ``confirm=true`` is not asked again: that is the model saying the person agreed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

import mcp_types as types
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, Field, ValidationError

from mcp.server.context import ServerRequestContext
from mcp.server.elicitation import render_elicitation_schema
from mcp.shared.exceptions import MCPError
from server.app import App
from server.manifest.meta_tools import EXECUTE
from skills import Skill
from skills.contract import CONFIRM_FIELD

log = logging.getLogger(__name__)

INPUT_REQUIRED_VERSION = "2026-07-28"  # first revision that asks through InputRequiredResult
ANSWER_KEY = "confirm"  # the input request's key on the wire
STATE_PREFIX = "confirm:v1:"
VALUE_CHARS = 200  # a long argument (a campaign body) is cut in the question, not in the call
VIA = "elicitation"  # recorded on the activity row of a call the person confirmed this way

Channel = Literal["elicit", "input_required"]
Verdict = Literal["confirmed", "declined", "cancelled", "unreadable"]


class Answer(BaseModel):
    """The form the person fills in: one yes/no."""

    confirm: bool = Field(title="Go ahead", description="Yes: run it now. No: nothing is done.")


ANSWER_SCHEMA = render_elicitation_schema(Answer)


@dataclass(frozen=True, slots=True)
class Pending:
    """An approve-trust call waiting for the person: what to ask, and how to run it once confirmed."""

    skill: Skill
    tool: str                     # the tool called: the skill itself, or execute_skill
    arguments: dict[str, Any]     # as called (execute_skill's wrapper included)
    values: dict[str, Any]        # the skill's validated arguments, shown to the person

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

    def confirmed(self) -> tuple[str, dict[str, Any]]:
        """The same call, now saying the person confirmed it."""
        if self.tool == EXECUTE:
            inner = {**(self.arguments.get("arguments") or {}), CONFIRM_FIELD: True}
            return self.tool, {**self.arguments, "arguments": inner}
        return self.tool, {**self.arguments, CONFIRM_FIELD: True}

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


async def pending(app: App, tool: str, arguments: dict[str, Any]) -> Pending | None:
    """The approve-trust call the person should confirm, or None when the executor decides alone.

    Invalid arguments and a skill that cannot run now (module off, paused) are not asked about:
    the executor refuses them with what to fix, and the person is never asked about a call that
    could not happen.
    """
    name, inner = (arguments.get("name"), arguments.get("arguments")) if tool == EXECUTE else (tool, arguments)
    skill = app.registry.skills.get(name) if isinstance(name, str) else None
    if skill is None or skill.trust != "approve":
        return None
    try:
        parsed = skill.input_model.model_validate(inner or {})
    except ValidationError:
        return None
    if getattr(parsed, CONFIRM_FIELD, False):
        return None
    if not await app.executor.can_run(skill):
        return None
    values = parsed.model_dump(mode="json", exclude={CONFIRM_FIELD})
    return Pending(skill, tool, arguments, values)


def channel(ctx: ServerRequestContext[Any]) -> Channel | None:
    """How this request can reach the person, if at all: the client must have declared form elicitation
    (a bare ``elicitation: {}`` means form; url-only does not)."""
    capabilities = ctx.session.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    if elicitation is None or (elicitation.form is None and elicitation.url is not None):
        return None
    if is_version_at_least(ctx.protocol_version, INPUT_REQUIRED_VERSION):
        return "input_required"
    # A 2025 session without a back-channel (stateless HTTP) cannot carry elicitation/create.
    return "elicit" if ctx.session.can_send_request else None


async def elicit(ctx: ServerRequestContext[Any], call: Pending) -> Verdict | None:
    """Ask over a 2025-11-25 session and wait for the person. None: the client could not ask."""
    try:
        result = await ctx.session.elicit_form(call.message, ANSWER_SCHEMA, related_request_id=ctx.request_id)
    except (MCPError, ValidationError):  # refused by the client, no back-channel, a malformed reply
        return None
    return _verdict(result)


def answered(params: types.CallToolRequestParams, call: Pending) -> Verdict | None:
    """The person's answer carried by a 2026 retry, if it answers the question asked about this call."""
    answer = (params.input_responses or {}).get(ANSWER_KEY)
    if not isinstance(answer, types.ElicitResult) or params.request_state != _state(call):
        return None
    return _verdict(answer)


def ask(call: Pending) -> types.InputRequiredResult:
    """Ask over 2026-07-28: the client shows the form and calls again with the answer."""
    form = types.ElicitRequestFormParams(message=call.message, requested_schema=ANSWER_SCHEMA)
    return types.InputRequiredResult(input_requests={ANSWER_KEY: types.ElicitRequest(params=form)},
                                     request_state=_state(call))


def _state(call: Pending) -> str:
    # Pins the answer to the exact question: a changed message (another call) asks again.
    digest = hashlib.sha256(call.message.encode()).hexdigest()[:32]
    return STATE_PREFIX + digest


def _verdict(result: types.ElicitResult) -> Verdict:
    if result.action == "decline":
        return "declined"
    if result.action == "cancel":
        return "cancelled"
    try:
        return "confirmed" if Answer.model_validate(result.content or {}).confirm else "declined"
    except ValidationError:
        return "unreadable"


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


async def mark_confirmed(app: App, activity_id: int | None) -> None:
    """Note on the call's activity row that the person confirmed it through the client's form.

    A separate write after the call: the executor records the arguments as called, and a lost
    note (a crash in between) only loses how the yes was given, never the call's own record.
    """
    if activity_id is None:
        return
    try:
        await app.store.execute("UPDATE activity SET input = json_set(input, '$._confirmed_via', ?) WHERE id = ?",
                                (VIA, activity_id))
    except Exception:  # the call already ran: its result must reach the client whatever happens to the note
        log.exception("could not note the elicited confirmation on activity #%s", activity_id)
