"""Lead qualification score, 0-100. Pure, so it is tested without a database.

Weights favour signals an operator can verify: a named contact at a known company
of some size, a warm source, a business email, and words of intent in the notes.
"""

from __future__ import annotations

FREE_MAIL = frozenset({"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "proton.me",
                       "protonmail.com", "aol.com", "gmx.com", "web.de"})
SOURCE_POINTS = {"referral": 25, "form": 15, "webinar": 15, "event": 15, "newsletter": 10, "manual": 5}
INTENT_WORDS = ("budget", "urgent", "asap", "demo", "pricing", "quote", "buy", "purchase")
QUALIFIED_AT = 50


def lead_score(*, email: str, name: str | None, source: str, notes: str, company_size: int | None,
               has_company: bool) -> int:
    score = 0
    if name:
        score += 10
    if has_company:
        score += 15
    if company_size is not None:
        score += 20 if company_size >= 50 else 10 if company_size >= 10 else 5
    score += SOURCE_POINTS.get(source, 5)
    if email.rsplit("@", 1)[-1].lower() not in FREE_MAIL:
        score += 15
    lowered = notes.lower()
    score += min(15, 5 * sum(word in lowered for word in INTENT_WORDS))
    return min(score, 100)
