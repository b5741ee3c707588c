"""The edge: whatever a handler raised becomes (error kind, message, retryable), here and only here.

    SkillError            the handler's own verdict (a retry signal never retries auth, quota, validation)
    TimeoutError          the skill's timeout (or the handler's own)            -> timeout, retried
    httpx timeouts        an outbound request ran out of time                   -> timeout, retried
    httpx transport       connection refused, DNS, reset                        -> network, retried
    HTTPStatusError       raise_for_status(): by status and body (429 + quota)  -> classify_http_status
    the database refusing the input (an integer past 64 bits, a pattern too long,
    a constraint the arguments break: store.input_refusal)                     -> validation, not retried
    anything else         a bug in the handler                                  -> handler_error
"""

from __future__ import annotations

import logging

import httpx

from server.storage_errors import disk_full, input_refusal
from skills import RETRYABLE, ErrorKind, Skill, SkillError, classify_http_status

log = logging.getLogger(__name__)

# Retrying these only repeats the refusal (or burns quota), whatever the handler signalled.
NEVER_RETRIED = frozenset({ErrorKind.AUTH_FAILED, ErrorKind.HTTP_401, ErrorKind.QUOTA_HIT, ErrorKind.VALIDATION})

Failure = tuple[ErrorKind, str, bool]


def classify(skill: Skill, exc: Exception) -> Failure:
    if isinstance(exc, SkillError):
        return exc.kind, exc.message, exc.retryable and exc.kind not in NEVER_RETRIED
    if isinstance(exc, TimeoutError):
        return ErrorKind.TIMEOUT, f"{skill.name} did not finish within {skill.timeout_s:g} s", True
    if isinstance(exc, httpx.TimeoutException):
        return ErrorKind.TIMEOUT, f"outbound request timed out: {exc}", True
    if isinstance(exc, httpx.TransportError):
        return ErrorKind.NETWORK, f"network error: {exc}", True
    if isinstance(exc, httpx.HTTPStatusError):
        return _http_status(exc)
    if disk_full(exc):  # not the skill's fault, and nothing to trace
        log.error("skill %s: the disk holding the database is full", skill.name)
        return (ErrorKind.HANDLER_ERROR, f"{skill.name} could not write: the disk holding the database is full, so "
                "nothing was changed. Free some disk space and try again.", False)
    refusal = input_refusal(exc)
    if refusal is not None:  # the input's fault: a validation error, kept out of the breaker's count
        log.warning("skill %s let the database refuse its input (validate it in the signature)", skill.name,
                    exc_info=exc)
        return ErrorKind.VALIDATION, f"{skill.name}: {refusal}", False
    log.error("skill %s raised", skill.name, exc_info=exc)
    return ErrorKind.HANDLER_ERROR, f"{skill.name} failed unexpectedly: {type(exc).__name__}: {exc}", False


def _http_status(exc: httpx.HTTPStatusError) -> Failure:
    response, url = exc.response, exc.request.url
    # Named without credentials or query string: those may hold keys, and this text reaches the model.
    where = f"{exc.request.method} {url.scheme}://{url.netloc.decode('ascii', 'replace')}{url.path}"
    try:
        body = response.text
    except httpx.ResponseNotRead:  # a streamed response: classify by status alone
        body = ""
    if response.status_code < 400:  # raise_for_status() also refuses a redirect we did not follow
        return ErrorKind.HANDLER_ERROR, f"{where} answered an unexpected {response.status_code}", False
    kind = classify_http_status(response.status_code, body)
    detail = " ".join(body.split())[:200]
    message = f"{where} answered HTTP {response.status_code} ({kind})"
    return kind, message + (f": {detail}" if detail else ""), kind in RETRYABLE
