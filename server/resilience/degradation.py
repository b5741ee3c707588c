"""Layer 4, the silent kind: a skill that normally has an effect and has shown none for a day.

The seed's story: wrong credentials, no exception, empty results for weeks. A skill declares
``@skill(expects_effect=True)``; when its calls since the last one that did (or failed) anything
are at least ``MIN_CALLS``, all ``no_effect``, spread over at least ``WINDOW``, it is flagged
(``skill_state.degraded_*``), health reports it as degraded with the reason, and the admin is
notified once. The next call with an effect clears the flag.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from server.notify import notify_admin
from server.tables import activity, skill_state
from skills.context import Database

WINDOW = timedelta(hours=24)
MIN_CALLS = 5


async def observe(db: Database, skill: str, outcome: str, now: datetime) -> bool:
    """Watch one scored call of a skill that expects an effect; True when this call flagged it."""
    if outcome in ("success", "partial"):
        await skill_state.clear_degraded(db, skill)
        return False
    if outcome != "no_effect":
        return False
    calls, since = await activity.no_effect_streak(db, skill)
    if calls < MIN_CALLS or since is None or datetime.fromisoformat(since) > now - WINDOW:
        return False
    hours = (now - datetime.fromisoformat(since)).total_seconds() / 3600
    reason = (f"{calls} calls over {hours:.0f} h since {since} all had no effect, though {skill} normally "
              "does something: check its credentials, settings and the system it reads")
    now_iso = now.isoformat(timespec="seconds")
    if not await skill_state.flag_degraded(db, skill, reason, now_iso):
        return False
    await notify_admin(db, kind="silent_degradation", key=skill, title=f"Skill {skill} has had no effect for "
                       f"{hours:.0f} h", body=f"{reason}.\nThe flag clears on its next call that does something.",
                       now=now)
    return True
