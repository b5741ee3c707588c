"""The business profile through the MCP client: what a new owner sets, what is refused, what is missing."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

from modules.business.demo import PROFILE, logo_png
from server.app import App
from server.demo import seed_demo
from server.testing import McpHarness

pytestmark = pytest.mark.anyio


def _image(kind: str, size: tuple[int, int] = (200, 80)) -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 40, 90)).save(out, format=kind)
    return base64.b64encode(out.getvalue()).decode()


async def test_a_new_instance_says_what_each_document_still_needs(mcp: McpHarness) -> None:
    profile = await mcp.call("business_profile_get")
    assert (profile["legal_name"], profile["currency"], profile["locale"], profile["time_zone"]) == (
        None, "EUR", "en_GB", "UTC")
    assert profile["missing"]["invoice"] == ["legal_name", "address_line1, city, country", "tax_id or company_number",
                                             "iban or payment_link"]
    assert profile["missing"]["newsletter"] == ["legal_name or trading_name", "address_line1, city, country"]


async def test_every_field_is_checked_and_one_refusal_lists_them_all(mcp: McpHarness) -> None:
    message = await mcp.error("business_profile_update", legal_name="Acme Ltd", country="XX", currency="EURO",
                              locale="xx_QQ", time_zone="Mars/Olympus", iban="GB33 BUKB 2020 1555 5555 56",
                              bic="NOPE", email="not-an-address", website="acme.example", confirm=True)
    for field in ("country", "currency", "locale", "time_zone", "iban", "bic", "email", "website"):
        assert f"{field}:" in message
    assert "nothing was changed" in message and "checksum" in message
    assert (await mcp.call("business_profile_get"))["legal_name"] is None  # not even the good field


async def test_values_are_normalised_and_the_tax_number_follows_the_country(mcp: McpHarness) -> None:
    saved = await mcp.call("business_profile_update", legal_name="  Müller &  Dvořák GmbH ", country="de",
                           iban="de89 3704 0044 0532 0130 00", tax_id="DE136695976", currency="usd", locale="de-DE",
                           confirm=True)
    assert (saved["legal_name"], saved["country"], saved["iban"], saved["currency"], saved["locale"]) == (
        "Müller & Dvořák GmbH", "DE", "DE89370400440532013000", "USD", "de_DE")
    # A German VAT number with a wrong check digit, then a valid one moved to a country whose rule it breaks.
    assert "not a valid DE VAT" in await mcp.error("business_profile_update", tax_id="DE136695978", confirm=True)
    assert "not a valid FR VAT" in await mcp.error("business_profile_update", country="FR", confirm=True)
    assert (await mcp.call("business_profile_get"))["country"] == "DE"
    # Where no rule is known, a plausible number is taken as given; an empty string clears a field.
    moved = await mcp.call("business_profile_update", country="US", tax_id="12-3456789", confirm=True)
    assert (moved["country"], moved["tax_id"]) == ("US", "12-3456789")
    assert (await mcp.call("business_profile_update", tax_id="", confirm=True))["tax_id"] is None


async def test_the_logo_must_be_a_png_or_jpeg_of_a_sane_size(mcp: McpHarness) -> None:
    assert "PNG or JPEG" in await mcp.error("business_profile_update", logo_base64=_image("GIF"), confirm=True)
    assert "not valid base64" in await mcp.error("business_profile_update", logo_base64="@@@", confirm=True)
    assert "px on each side" in await mcp.error("business_profile_update", logo_base64=_image("PNG", (10, 10)),
                                                 confirm=True)
    assert "not a readable image" in await mcp.error("business_profile_update",
                                                     logo_base64=base64.b64encode(b"%PDF-1.4").decode(), confirm=True)
    saved = await mcp.call("business_profile_update", logo_base64=_image("JPEG"), confirm=True)
    assert saved["logo"]["mime_type"] == "image/jpeg" and (saved["logo"]["width"], saved["logo"]["height"]) == (200, 80)
    assert (await mcp.call("business_profile_update", logo_base64="", confirm=True))["logo"] is None


async def test_changing_the_bank_account_needs_a_person(mcp: McpHarness) -> None:
    assert "confirmation_required" in await mcp.error("business_profile_update", iban="GB33BUKB20201555555555")


async def test_the_demo_business_is_ready_for_every_document(app: App, mcp: McpHarness) -> None:
    await seed_demo(app)
    profile: dict[str, Any] = await mcp.call("business_profile_get")
    assert profile["missing"] == {} and profile["legal_name"] == PROFILE["legal_name"]
    assert profile["logo"]["size"] == len(logo_png())
