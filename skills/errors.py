"""What a skill handler raises, and the error kinds the resilience layers score.

    SkillError                    base of everything a handler may raise on purpose
    ├── RetrySkill                "try again, and here is a hint" (retryable)
    ├── SkillFailed               terminal: do not retry; carries an ErrorKind
    │   └── NotFound              an id that does not exist (kind: validation)
    └── ExternalError             an outbound call failed; kind from classify_http / network

Anything else a handler raises is scored as ``handler_error``. Third-party
errors are translated once: at the module's adapter (``classify_http_status``,
then ``ExternalError``), or, for httpx errors a handler lets through (timeouts,
connection errors, ``raise_for_status()``), by the executor.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH_FAILED = "auth_failed"
    QUOTA_HIT = "quota_hit"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    HTTP_401 = "http_401"
    HTTP_403 = "http_403"
    HTTP_429 = "http_429"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    NETWORK = "network"
    VALIDATION = "validation"
    HANDLER_ERROR = "handler_error"
    # Raised by the executor itself, never by a handler.
    UNKNOWN_SKILL = "unknown_skill"
    SKILL_DISABLED = "skill_disabled"
    SKILL_PAUSED = "skill_paused"
    CIRCUIT_BROKEN = "circuit_broken"
    LOOP_DETECTED = "loop_detected"
    APPROVAL_REQUIRED = "approval_required"


# Outcomes that score negative automatically (Pattern 2, layer 4).
HARD_GATES = frozenset(
    {
        ErrorKind.AUTH_FAILED,
        ErrorKind.QUOTA_HIT,
        ErrorKind.RATE_LIMITED,
        ErrorKind.TIMEOUT,
        ErrorKind.HTTP_401,
        ErrorKind.HTTP_403,
        ErrorKind.HTTP_429,
    }
)

# Failures worth another attempt (layer 2). Auth, quota and validation never are.
RETRYABLE = frozenset(
    {ErrorKind.TIMEOUT, ErrorKind.HTTP_5XX, ErrorKind.RATE_LIMITED, ErrorKind.HTTP_429, ErrorKind.NETWORK}
)

_QUOTA_MARKERS = ("insufficient_quota", "quota exceeded", "quota_exceeded", "exceeded your current quota",
                  "billing", "resource_exhausted", "out of credits")


class SkillError(Exception):
    """Base for errors a handler raises on purpose."""

    kind: ErrorKind = ErrorKind.HANDLER_ERROR
    retryable: bool = False

    def __init__(self, message: str, *, kind: ErrorKind | None = None) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind


class RetrySkill(SkillError):
    """The call may succeed if tried again; ``message`` is the hint passed as ``_prev_error``."""

    retryable = True


class SkillFailed(SkillError):
    """A terminal failure: the input or the state makes the call impossible. Never retried."""

    kind = ErrorKind.VALIDATION


class NotFound(SkillFailed):
    """An id that does not exist."""


class ExternalError(SkillError):
    """An outbound call (SMTP, webhook, provider) failed; ``kind`` says how."""

    def __init__(self, message: str, *, kind: ErrorKind, status: int | None = None) -> None:
        super().__init__(message, kind=kind)
        self.status = status
        self.retryable = kind in RETRYABLE


def classify_http_status(status: int, body: str = "") -> ErrorKind:
    """Map an HTTP status (and its body, for 429) to an error kind.

    A 429 whose body says the quota or billing is exhausted is ``quota_hit``:
    retrying it only burns money. A plain 429 is ``rate_limited``.
    """
    lowered = body.lower()
    if status == 401:
        return ErrorKind.AUTH_FAILED
    if status == 403:
        return ErrorKind.QUOTA_HIT if any(m in lowered for m in _QUOTA_MARKERS) else ErrorKind.HTTP_403
    if status == 402:
        return ErrorKind.QUOTA_HIT
    if status == 429:
        return ErrorKind.QUOTA_HIT if any(m in lowered for m in _QUOTA_MARKERS) else ErrorKind.RATE_LIMITED
    if status in (408, 504):
        return ErrorKind.TIMEOUT
    if 500 <= status < 600:
        return ErrorKind.HTTP_5XX
    if 400 <= status < 500:
        return ErrorKind.HTTP_4XX
    raise ValueError(f"status {status} is not an error")
