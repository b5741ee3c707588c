"""Standard Webhooks signatures (https://www.standardwebhooks.com) for outbound POSTs.

Every POST carries three headers:

    webhook-id         the delivery's message id (``msg_...``), the same on every retry of it
    webhook-timestamp  unix seconds of this attempt
    webhook-signature  ``v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>``

The secret is ``whsec_<base64 key>``; the HMAC key is the base64-decoded part after the prefix,
so any Standard Webhooks library verifies these POSTs with the secret as given (and rejects a
timestamp more than 5 minutes off, which stops replays). A receiver drops a resend after a
crash by its ``webhook-id``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ID, TIMESTAMP, SIGNATURE = "webhook-id", "webhook-timestamp", "webhook-signature"
PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    # Unpadded base64 is accepted too (b64decode ignores surplus padding), as the reference libraries do.
    return base64.b64decode(secret.removeprefix(PREFIX) + "==")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {ID: message_id, TIMESTAMP: str(timestamp), SIGNATURE: sign(secret, message_id, timestamp, body)}


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether one of the ``v1`` signatures (space-separated) matches; the timestamp check is the receiver's."""
    lowered = {k.lower(): v for k, v in headers.items()}
    expected = sign(secret, lowered.get(ID, ""), int(lowered.get(TIMESTAMP, "0") or 0), body)
    return any(hmac.compare_digest(expected, candidate) for candidate in lowered.get(SIGNATURE, "").split(" "))
