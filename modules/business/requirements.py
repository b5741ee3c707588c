"""What each kind of document or message needs from the profile before it may go out.

An invoice (and a credit note, which corrects one) must name the seller in full: legal name,
postal address and a VAT, tax or company number (the EU VAT directive, art. 226, and most
national rules), and it must say how to pay. A quote names the seller and its address. A
payment reminder says who asks and how to pay. A newsletter is commercial mail: it carries the
sender's name and postal address (CAN-SPAM, the EU's e-commerce directive). Confirmations
(a booking, a webinar seat) need nothing, and show whatever identity is set.
"""

from __future__ import annotations

from collections.abc import Callable

from modules.business.model import Profile
from skills import SkillFailed

Need = tuple[str, str, Callable[[Profile], bool]]

_NAME: Need = ("legal_name", "the business's legal name", lambda p: bool(p.legal_name))
_ADDRESS: Need = ("address_line1, city, country", "a postal address",
                  lambda p: bool(p.address_line1 and p.city and p.country))
_NUMBER: Need = ("tax_id or company_number", "a VAT, tax or company number",
                 lambda p: bool(p.tax_id or p.company_number))
_PAYMENT: Need = ("iban or payment_link", "a way to pay: an IBAN or a payment link",
                  lambda p: bool(p.iban or p.payment_link))
_SENDER: Need = ("legal_name or trading_name", "a name to send as", lambda p: bool(p.name))

NEEDS: dict[str, tuple[Need, ...]] = {
    "invoice": (_NAME, _ADDRESS, _NUMBER, _PAYMENT),
    "credit_note": (_NAME, _ADDRESS, _NUMBER),
    "quote": (_NAME, _ADDRESS),
    "reminder": (_NAME, _ADDRESS, _PAYMENT),
    "newsletter": (_SENDER, _ADDRESS),
}
LABELS = {"invoice": "an invoice", "credit_note": "a credit note", "quote": "a quote",
          "reminder": "a payment reminder", "newsletter": "a newsletter"}
HOW = ("Set them with business_profile_update, or from a shell: pilothouse business set legal_name='Acme Ltd' "
       "address_line1='1 High St' city=London country=GB tax_id=GB980780684 iban='GB33 BUKB 2020 1555 5555 55' "
       "(pilothouse business show lists every field).")


def missing(profile: Profile) -> dict[str, list[str]]:
    """Per kind, the fields still to set (kinds with nothing missing are left out)."""
    gaps = {kind: [field for field, _, present in needs if not present(profile)] for kind, needs in NEEDS.items()}
    return {kind: fields for kind, fields in gaps.items() if fields}


def require(profile: Profile, kind: str) -> Profile:
    """The profile, or SkillFailed naming every missing field of ``kind`` and how to set it."""
    gaps = [(field, why) for field, why, present in NEEDS[kind] if not present(profile)]
    if gaps:
        listed = "; ".join(f"{field} ({why})" for field, why in gaps)
        raise SkillFailed(f"{LABELS[kind]} cannot go out yet: the business profile lacks {listed}. {HOW}")
    return profile
