"""Errors of the provider layer. Third-party errors become these once, at the adapter.

    PilothouseError
    ├── ConfigError
    │   └── NoProviderAvailable   nothing configured, reachable and out of cooldown; names the env vars
    ├── ProviderError             one provider call failed; ``kind`` is a skills.ErrorKind
    └── AllProvidersFailed        every provider tried within one call failed; ``attempts`` says how
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from server.errors import ConfigError, PilothouseError
from skills import ErrorKind

if TYPE_CHECKING:
    from server.providers.types import Attempt


class NoProviderAvailable(ConfigError):
    pass


class ProviderError(PilothouseError):
    """A model call failed. Built by an adapter, which is the only place that knows the SDK's errors."""

    def __init__(
        self, message: str, *, kind: ErrorKind, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.retry_after_s = retry_after_s


class AllProvidersFailed(PilothouseError):
    def __init__(self, attempts: Sequence[Attempt]) -> None:
        tried = "; ".join(
            f"{a.provider}:{a.model} {a.error_kind}: {a.message}" for a in attempts if a.status == "error"
        )
        skipped = "; ".join(f"{a.provider} skipped ({a.message})" for a in attempts if a.status == "skipped")
        text = f"every AI provider failed for this call: {tried or 'none tried'}"
        if skipped:
            text += f"; {skipped}"
        super().__init__(text + ". `pilothouse providers` shows the chain and its cooldowns.")
        self.attempts = list(attempts)
