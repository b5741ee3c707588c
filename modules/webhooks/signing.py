"""HMAC-SHA256 signatures for outbound webhooks.

Header ``X-Pilothouse-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256(secret, "<t>.<raw body>"). Receivers recompute it over the bytes they got and
reject old timestamps, which stops replays.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "X-Pilothouse-Signature"


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = sign(secret, int(parts.get("t", "0")), body)
    return hmac.compare_digest(expected, header)
