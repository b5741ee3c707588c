"""The daily shadow digest: one notification (and email/webhook, server/notify.py) to the admin.

Sent while the agent is in shadow mode, or when it still made proposals in the last 24 h: the
proposals by skill (made, approved, rejected, still pending), how to review them, and the trust
ladder's suggestions. A platform schedule (``shadow_digest``, daily) runs it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from server.notify import notify_admin
from server.tables import approvals
from server.trust import mode, policy

if TYPE_CHECKING:
    from server.app import App

WINDOW = timedelta(hours=24)


async def send(app: App) -> str:
    now = app.clock.now()
    current = await mode.current(app.store)
    rows = await approvals.proposals_since(app.store, (now - WINDOW).isoformat(timespec="seconds"))
    if current != "shadow" and not rows:
        return "ok: live mode and no proposals: no digest"
    suggestions = [s.suggestion for s in await policy.standings(app) if s.suggestion]
    total = sum(int(r["proposed"]) for r in rows)
    lines = [f"The agent is in {current} mode. Proposals in the last 24 h, by skill:"]
    lines += [f"  {r['skill']}: {r['proposed']} proposed, {r['approved'] or 0} approved, {r['rejected'] or 0} "
              f"rejected, {r['pending'] or 0} pending" for r in rows] or ["  none"]
    lines += ["", "Review: pilothouse approvals list   (approve ID / reject ID --reason '...')"]
    if suggestions:
        lines += ["", "Trust ladder:", *(f"  {s}" for s in suggestions)]
    async with app.store.transaction() as tx:
        await notify_admin(tx, kind="shadow_digest", title=f"Shadow digest: {total} proposal(s) in 24 h",
                           body="\n".join(lines), now=now)
    return f"ok: digest sent ({total} proposal(s), {len(suggestions)} suggestion(s))"
