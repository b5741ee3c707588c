"""Whether mail queued now can leave, for producers as they queue (``ctx.send``: skills/messages.py).

The answer is said in the producing call's result ("queued, not sent: no mail server is
configured; ..."), so an invoice "sent" while no mail can leave never looks delivered. It is read
fresh at each call: the email module's switch and settings (or the PILOTHOUSE_SMTP_* environment),
then the outbox's newest email waiting after a server failure (down, or refusing our login).
"""

from __future__ import annotations

import json

from modules.email import smtp
from server.tables import skill_state
from skills import outbox
from skills.context import Database


class MailReadiness:
    """``skills.messages.Readiness`` for this runtime."""

    async def email(self, db: Database) -> str:
        return await self.blocked(db) or await self.failing(db)

    async def blocked(self, db: Database) -> str:
        """Why nothing can deliver mail at all (the module off, no mail server), or ""."""
        if not await skill_state.module_enabled(db, "email"):
            return ("the email module is off, so nothing delivers mail: run `pilothouse modules enable email`, then "
                    "configure a mail server (`pilothouse email test you@example.com --smtp-host HOST ...`)")
        if not smtp.configured(json.loads(await skill_state.module_settings(db, "email") or "{}")):
            return smtp.NOT_CONFIGURED
        return ""

    async def failing(self, db: Database) -> str:
        """Why mail waits although a server is set: it failed the last attempts (down, refusing us), or ""."""
        trouble = await outbox.email_trouble(db)
        if trouble is not None:
            return (f"the mail server is failing ({trouble['error_kind']}: {(trouble['last_error'] or '')[:160]}); "
                    "waiting mail is tried again with backoff, and `pilothouse email test you@example.com` checks "
                    "the settings")
        return ""
