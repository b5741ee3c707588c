"""Provider cooldowns, kept in the core ``provider_state`` table so health and the CLI see them.

    auth (401/403), quota (429 insufficient_quota), billing  -> long cooldown (1 h by default)
    rate limit (429)                                           -> Retry-After, or 60 s
    5xx, timeout, connection                                   -> none at first; the 3rd consecutive
                                                                  one cools 1 min, then 5, 25, 60 min
    anything else (400, 404...)                                -> none: the next call tries again

Why transient failures cool down at all: a provider that is down answers every call
with a timeout, and without a cooldown every call pays that wait before falling back
(LiteLLM's known weakness with one model per provider). The ladder is OpenClaw's.
Times come from the app's clock, so tests move them with the FakeClock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from server.providers.settings import AiSettings
from skills import ErrorKind
from skills.context import Database

LONG = frozenset({ErrorKind.AUTH_FAILED, ErrorKind.HTTP_401, ErrorKind.HTTP_403, ErrorKind.QUOTA_HIT})
RATE = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.HTTP_429})
TRANSIENT = frozenset({ErrorKind.HTTP_5XX, ErrorKind.TIMEOUT, ErrorKind.NETWORK})
FREE_TRANSIENT_FAILURES = 2
TRANSIENT_LADDER_S = (60.0, 300.0, 1500.0, 3600.0)
REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class ProviderState:
    provider: str
    cooldown_until: datetime | None = None
    reason: str | None = None
    failures: int = 0

    def cooling(self, now: datetime) -> bool:
        return self.cooldown_until is not None and self.cooldown_until > now


async def load(db: Database) -> dict[str, ProviderState]:
    rows = await db.fetchall("SELECT provider, cooldown_until, reason, failures FROM provider_state")
    return {
        r["provider"]: ProviderState(
            r["provider"],
            datetime.fromisoformat(r["cooldown_until"]) if r["cooldown_until"] else None,
            r["reason"],
            int(r["failures"]),
        )
        for r in rows
    }


def cooldown_for(kind: ErrorKind, failures: int, retry_after_s: float | None, settings: AiSettings) -> float | None:
    """Seconds to cool down after a failure of ``kind``, ``failures`` being the consecutive count including it."""
    if kind in LONG:
        return settings.cooldown_s
    if kind in RATE:
        return retry_after_s if retry_after_s and retry_after_s > 0 else settings.rate_limit_cooldown_s
    if kind in TRANSIENT and failures > FREE_TRANSIENT_FAILURES:
        step = min(failures - FREE_TRANSIENT_FAILURES, len(TRANSIENT_LADDER_S)) - 1
        return TRANSIENT_LADDER_S[step]
    return None


async def record_failure(
    db: Database, previous: ProviderState | None, provider: str, *, kind: ErrorKind, message: str,
    retry_after_s: float | None, now: datetime, settings: AiSettings,
) -> ProviderState:
    failures = (previous.failures if previous else 0) + 1
    seconds = cooldown_for(kind, failures, retry_after_s, settings)
    until = now + timedelta(seconds=seconds) if seconds is not None else None
    if until is None and previous is not None and previous.cooling(now):
        until = previous.cooldown_until  # a failure never shortens a cooldown already running
    reason = f"{kind}: {message}"[:REASON_CHARS]
    await _upsert(db, provider, until, reason, failures, now)
    return ProviderState(provider, until, reason, failures)


async def record_success(db: Database, previous: ProviderState | None, provider: str, now: datetime) -> None:
    """A provider that answers is healthy again; write only when there is something to clear."""
    if previous is not None and (previous.failures or previous.cooldown_until is not None):
        await _upsert(db, provider, None, None, 0, now)


async def clear(db: Database, provider: str | None, now: datetime) -> int:
    """End cooldowns by hand (after fixing a key): one provider, or all when ``provider`` is None."""
    where, params = ("WHERE provider = ?", (provider,)) if provider else ("", ())
    result = await db.execute(
        f"UPDATE provider_state SET cooldown_until = NULL, reason = NULL, failures = 0, updated_at = ? {where}",
        (now.isoformat(timespec="seconds"), *params),
    )
    return int(result.rowcount)


async def _upsert(db: Database, provider: str, until: datetime | None, reason: str | None, failures: int,
                  now: datetime) -> None:
    await db.execute(
        "INSERT INTO provider_state (provider, cooldown_until, reason, failures, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(provider) DO UPDATE SET cooldown_until = excluded.cooldown_until, reason = excluded.reason, "
        "failures = excluded.failures, updated_at = excluded.updated_at",
        (provider, until.isoformat(timespec="seconds") if until else None, reason, failures,
         now.isoformat(timespec="seconds")),
    )
