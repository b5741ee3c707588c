"""A plausible business for `pilothouse seed-demo`: a small UK design studio billing in pounds and euros.

The numbers are well-formed and pass their checks (the VAT number's check digits, the IBAN's
checksum), but belong to nobody: the IBAN is the one UK banks publish as an example. The logo
is drawn here with Pillow in the documents' own font, so nothing is downloaded.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from modules.business.profile import profile_update
from skills import SkillContext

PROFILE: dict[str, Any] = {
    "legal_name": "Harbor Lane Studio Ltd", "trading_name": "Harbor Lane Studio",
    "address_line1": "12 Narrow Quay", "postal_code": "BS1 4QA", "city": "Bristol", "country": "GB",
    "tax_id": "GB980780684", "company_number": "09876543",
    "email": "billing@harborlane.example", "phone": "+44 117 496 0123", "website": "https://harborlane.example",
    "iban": "GB33 BUKB 2020 1555 5555 55", "bic": "BUKBGB22", "bank_name": "Example Bank UK",
    "payment_link": "https://pay.harborlane.example/invoices",
    "currency": "GBP", "locale": "en_GB", "time_zone": "Europe/London", "payment_terms_days": 30,
    "invoice_terms": "Payment within the terms above. Late payments may incur statutory interest under the Late "
                     "Payment of Commercial Debts (Interest) Act 1998.",
}


def logo_png() -> bytes:
    """A wordmark: a navy tile with a white wave, and the studio's name beside it."""
    from PIL import Image, ImageDraw, ImageFont

    from modules.business.pdf import font_file

    image = Image.new("RGBA", (640, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 152, 152), radius=28, fill=(23, 48, 92, 255))
    for offset in (0, 34):
        draw.arc((28, 50 + offset, 84, 96 + offset), 200, 340, fill=(255, 255, 255, 255), width=9)
        draw.arc((76, 50 + offset, 132, 96 + offset), 200, 340, fill=(255, 255, 255, 255), width=9)
    font = ImageFont.truetype(font_file("B"), 64)
    draw.text((180, 38), "Harbor Lane", font=font, fill=(23, 48, 92, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


async def seed(ctx: SkillContext) -> None:
    await profile_update(ctx, **PROFILE, logo_base64=base64.b64encode(logo_png()).decode())
