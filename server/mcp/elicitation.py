"""The person confirms an approve-trust call through the client's form (MCP elicitation).

Without help from the client a yes rests on the model: the executor refuses the call with
``confirmation_required``, the model asks in chat and calls again with ``confirm=true``. A
client that can show a form lets the server ask the person itself, with a message it wrote
(server/confirmation.py), so the yes comes from the person rather than the model:

- 2025-11-25 sessions: a server-initiated ``elicitation/create`` (form mode) while the call waits;
- 2026-07-28 requests: an ``InputRequiredResult`` carrying the same form; the client asks and
  calls again with the answer and the ``requestState`` we minted (sealed by the SDK's
  ``RequestStateBoundary`` and bound to this tool and these arguments, so an answer counts only
  for the question we asked about this exact call).

``confirmer`` builds the executor's ``Confirmer`` for one request, or None when the client
declared no form elicitation (then the ``confirm`` argument is the way).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.elicitation import render_elicitation_schema
from mcp.shared.exceptions import MCPError
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, Field, ValidationError

from server.confirmation import Confirmation, Confirmer, ConfirmRequest, Verdict

INPUT_REQUIRED_VERSION = "2026-07-28"  # first revision that asks through InputRequiredResult
ANSWER_KEY = "confirm"  # the input request's key on the wire
STATE_PREFIX = "confirm:v1:"
VIA = "elicitation"  # recorded on the activity row of a call the person confirmed this way

Channel = Literal["elicit", "input_required"]


class Answer(BaseModel):
    """The form the person fills in: one yes/no."""

    confirm: bool = Field(title="Go ahead", description="Yes: run it now. No: nothing is done.")


ANSWER_SCHEMA = render_elicitation_schema(Answer)


def confirmer(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> Confirmer | None:
    """How this request asks the person, if its client can show a form at all."""
    via = channel(ctx)
    if via is None:
        return None

    async def confirm(request: ConfirmRequest) -> Confirmation:
        if via == "input_required":
            verdict = answered(params, request)
            return Confirmation("ask", question=ask(request)) if verdict is None else _decided(verdict)
        verdict = await elicit(ctx, request)
        return Confirmation("unavailable") if verdict is None else _decided(verdict)

    return confirm


def _decided(verdict: Verdict) -> Confirmation:
    return Confirmation(verdict, via=VIA if verdict == "confirmed" else None)


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


async def elicit(ctx: ServerRequestContext[Any], request: ConfirmRequest) -> Verdict | None:
    """Ask over a 2025-11-25 session and wait for the person. None: the client could not ask."""
    try:
        result = await ctx.session.elicit_form(request.message, ANSWER_SCHEMA, related_request_id=ctx.request_id)
    except (MCPError, ValidationError):  # refused by the client, no back-channel, a malformed reply
        return None
    return _verdict(result)


def answered(params: types.CallToolRequestParams, request: ConfirmRequest) -> Verdict | None:
    """The person's answer carried by a 2026 retry, if it answers the question asked about this call."""
    answer = (params.input_responses or {}).get(ANSWER_KEY)
    if not isinstance(answer, types.ElicitResult) or params.request_state != _state(request):
        return None
    return _verdict(answer)


def ask(request: ConfirmRequest) -> types.InputRequiredResult:
    """Ask over 2026-07-28: the client shows the form and calls again with the answer."""
    form = types.ElicitRequestFormParams(message=request.message, requested_schema=ANSWER_SCHEMA)
    return types.InputRequiredResult(input_requests={ANSWER_KEY: types.ElicitRequest(params=form)},
                                     request_state=_state(request))


def _state(request: ConfirmRequest) -> str:
    # Pins the answer to the exact question: a changed message (another call) asks again.
    digest = hashlib.sha256(request.message.encode()).hexdigest()[:32]
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
