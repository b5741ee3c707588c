"""Each endpoint's own circuit: a receiver's failures are that receiver's, never the dispatcher's.

An endpoint that fails a delivery (timeout, unreachable, 5xx, a refusal, a wrong URL) opens its
circuit: nothing more is sent to it until ``open_until``, which backs off from 1 min, doubling per
failure in a row, to 1 h (the delivery retry settings, skills/delivery.py). When it passes, one
delivery goes as a probe; its success closes the circuit and the endpoint's queue drains again.
Other endpoints never wait for it: each is delivered in its own task (dispatch.py), and the
dispatch run succeeds whatever the receivers did. The state is on the endpoint row, shown by
webhooks_list_endpoints, the cockpit and health; the administrator is told once per episode
(server/delivery_watch.py). Re-enabling an endpoint (a person fixed the receiver) closes it.

    closed (failures 0) -> open (until open_until) -> probing (a delivery goes) -> closed | open
"""

from __future__ import annotations

from datetime import datetime, timedelta

from skills import Row
from skills.context import Database
from skills.delivery import RetryPolicy, iso

STATE_COLUMNS = "failures, open_until, failing_since, last_error, last_error_kind, last_delivered_at"


def state(row: Row, now: datetime) -> str:
    """``healthy``, ``open`` (waiting out its backoff) or ``probing`` (the next delivery tests it)."""
    if not row["failures"]:
        return "healthy"
    return "open" if row["open_until"] and row["open_until"] > iso(now) else "probing"


async def ready(db: Database, now: datetime) -> list[Row]:
    """Enabled endpoints whose circuit lets a delivery through now: ``id, url, failures``."""
    return await db.fetchall("SELECT id, url, failures FROM webhooks_endpoints WHERE enabled = 1 "
                             "AND (open_until IS NULL OR open_until <= ?) ORDER BY id", (iso(now),))


async def failed(db: Database, endpoint_id: int, *, kind: str, error: str, now: datetime,
                 policy: RetryPolicy) -> datetime:
    """One more failure in a row: the circuit opens for the backoff; returns until when."""
    failures = int(await db.fetchval("SELECT failures FROM webhooks_endpoints WHERE id = ?", (endpoint_id,)) or 0) + 1
    until = now + timedelta(seconds=min(policy.cap_s, policy.base_s * 2 ** (failures - 1)))
    await db.execute(
        "UPDATE webhooks_endpoints SET failures = ?, open_until = ?, last_error = ?, last_error_kind = ?, "
        "failing_since = COALESCE(failing_since, ?) WHERE id = ?",
        (failures, iso(until), error[:500], kind, iso(now), endpoint_id))
    return until


async def delivered(db: Database, endpoint_id: int, now: datetime) -> None:
    await db.execute("UPDATE webhooks_endpoints SET failures = 0, open_until = NULL, failing_since = NULL, "
                     "last_delivered_at = ? WHERE id = ?", (iso(now), endpoint_id))


async def reset(db: Database, endpoint_id: int) -> None:
    """A person says the receiver is fixed: its waiting deliveries go again at once, backoffs forgotten."""
    await db.execute("UPDATE webhooks_endpoints SET failures = 0, open_until = NULL, failing_since = NULL "
                     "WHERE id = ?", (endpoint_id,))
    await db.execute("UPDATE webhooks_deliveries SET next_attempt_at = NULL WHERE endpoint_id = ? "
                     "AND status = 'pending'", (endpoint_id,))


async def failing(db: Database) -> list[Row]:
    """Endpoints failing now, for the watch, health and the cockpit."""
    return await db.fetchall(f"SELECT id, url, enabled, {STATE_COLUMNS} FROM webhooks_endpoints WHERE failures > 0 "
                             "ORDER BY id")
