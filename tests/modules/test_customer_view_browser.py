"""What the customer sees, in the real browser: the invoice email's HTML part and its PDF's first page.

Chromium (Debian's, driven by Playwright; no browser download) renders both, as the cockpit's
browser tests do; the screenshots are kept as test artifacts under results/artifacts/ (gitignored,
listed at the end of the run). Locally, without ``chromium`` on PATH these tests skip and say why;
in CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.cockpit.screenshot import chromium
from server.testing.browser import artifacts_dir
from server.testing.customer_view import attachment, photograph, send_invoice

MISSING = "no chromium on PATH (apt-get install chromium); CI installs it"
if chromium() is None and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run in CI: {MISSING}")
pytestmark = [pytest.mark.anyio, pytest.mark.skipif(chromium() is None, reason=MISSING)]


def _ink(path: Path) -> float:
    """The share of a picture's pixels that are not near-white: a blank or failed render has ~none."""
    from PIL import Image

    with Image.open(path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[240:]) / (grey.width * grey.height)


async def test_the_invoice_email_and_its_pdf_render_in_a_browser(tmp_path: Path) -> None:
    message = await send_invoice(tmp_path / "demo.db")
    email_png, invoice_png, seen = await photograph(message, artifacts_dir())
    # The rendered text a reader sees, not the source: no tag or entity shows, every figure does.
    number = attachment(message)[0].removesuffix(".pdf")
    for text in ("Harbor Lane Studio", "Hello Blue Harbor Studio GmbH,", f"Invoice\t{number}", "Amount due\t€5,300.00",
                 "IBAN\tGB33 BUKB 2020 1555 5555 55", "Pay online", f"Attached: {number}.pdf",
                 "VAT / tax no. GB980780684"):
        assert text in seen, f"{text!r} is not shown:\n{seen}"
    assert "</" not in seen and "&lt;" not in seen and "&amp;" not in seen
    from PIL import Image

    with Image.open(invoice_png) as page:
        assert page.height > page.width  # a portrait A4 page, drawn by the viewer
    assert _ink(email_png) > 0.02 and _ink(invoice_png) > 0.02
