"""What a client hears while a tool runs: log messages (notifications/message) and progress.

Logging: a 2025-11-25 client picks its level with ``logging/setLevel`` (per connection; nothing
is sent before it asks), a 2026-07-28 request opts in through its own ``_meta`` and the SDK
keeps that gate. Each call is logged once when it ends (``info`` on success, ``warning`` when
refused or failed), so a host's log pane shows what the model did without reading every result.

Progress: when the request carries a progress token, a skill's ``ctx.report_progress`` becomes
``notifications/progress`` (exports, deliveries); without a token it costs nothing.
"""

from __future__ import annotations

import logging
import warnings
import weakref
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types.version import is_version_at_least

from server.executor import CallResult
from skills.context import ProgressSink

log = logging.getLogger(__name__)

LEVELS: tuple[types.LoggingLevel, ...] = ("debug", "info", "notice", "warning", "error", "critical", "alert",
                                          "emergency")
LOGGER = "pilothouse"
PER_REQUEST_LOGGING = "2026-07-28"  # from this revision a request opts in through its _meta

# Deliberate: the hosts people use today speak 2025-11-25, where logging is current. The SDK's
# warning would otherwise land in every host's server log at each call.
warnings.filterwarnings("ignore", message="The logging capability is deprecated", category=MCPDeprecationWarning)


class ClientLog:
    """The logging level each handshake-era connection asked for, and the sending of entries."""

    def __init__(self) -> None:
        self._levels: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()

    async def set_level(self, ctx: ServerRequestContext[Any], params: types.SetLevelRequestParams) -> types.EmptyResult:
        self._levels[_connection(ctx)] = LEVELS.index(params.level)
        return types.EmptyResult()

    async def send(self, ctx: ServerRequestContext[Any], level: types.LoggingLevel, data: Any) -> None:
        if not is_version_at_least(ctx.protocol_version, PER_REQUEST_LOGGING):
            wanted = self._levels.get(_connection(ctx))
            if wanted is None or LEVELS.index(level) < wanted:
                return
        try:
            await ctx.session.send_log_message(level, data, logger=LOGGER, related_request_id=ctx.request_id)
        except Exception:  # a closed stream: the log entry is simply lost, never the call
            log.debug("could not send a log message to the client", exc_info=True)

    async def call_ended(self, ctx: ServerRequestContext[Any], result: CallResult) -> None:
        if result.ok:
            await self.send(ctx, "info", {"tool": result.skill, "status": "ok",
                                          "duration_ms": round(result.duration_ms, 1)})
        elif result.question is None:
            await self.send(ctx, "warning", {"tool": result.skill, "status": "error",
                                             "error": result.error_kind.value if result.error_kind else None,
                                             "message": result.message[:500]})


def _connection(ctx: ServerRequestContext[Any]) -> Any:
    # The SDK builds a session object per request; the connection under it lives as long as the client's
    # session, which is what a level set with logging/setLevel belongs to.
    return getattr(ctx.session, "_connection", ctx.session)


def progress_sink(ctx: ServerRequestContext[Any]) -> ProgressSink:
    """Where a skill's progress goes for this request (the SDK drops it when the request sent no token)."""

    async def report(done: float, total: float | None, message: str | None) -> None:
        await ctx.session.report_progress(done, total, message)

    return report
