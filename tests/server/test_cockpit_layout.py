"""Issue 31, story 3, in a real browser: the cockpit at desktop and phone width, screenshots kept.

Chromium (Debian's, driven by Playwright) opens the page the screenshot command shows (the demo
instance with a real dunning approval and a shadow proposal) at 1280 and at 390 CSS pixels. The
page must fit the width (it was 972 px wide on a 390 px phone), show the approval's consequence in
words with links to its invoices, and work by touch. The screenshots are written to
``$PILOTHOUSE_TEST_ARTIFACTS`` (default ``.artifacts/`` in the repository) as cockpit-desktop.png
and cockpit-phone.png, for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.app import App
from server.cockpit.app_resource import app_html
from server.cockpit.screenshot import CockpitServer, chromium, seed
from server.mcp.surface import to_tool_result
from server.testing import FakeClock

BROWSER = chromium()
MISSING = "no chromium on PATH (apt-get install chromium); CI installs it"
if BROWSER is None and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run in CI: {MISSING}")
pytestmark = pytest.mark.skipif(BROWSER is None, reason=MISSING)
TIMEOUT_MS = 30_000  # a bound on a loaded machine, not a wait: every step waits for an event
ARTIFACTS = Path(os.environ.get("PILOTHOUSE_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / ".artifacts")
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

if BROWSER is not None:
    from playwright.sync_api import Browser, Page, sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CockpitServer]:
    with CockpitServer(tmp_path_factory.mktemp("layout") / "demo.db", clock=FakeClock(), poll_ms=60_000) as running:
        running.run(seed)
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=BROWSER, headless=True)
        yield launched
        launched.close()


def _open(browser: Browser, server: CockpitServer, size: str) -> Page:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=size == "phone")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{server.url}/cockpit")
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_the_cockpit_fits_the_screen_and_says_what_approving_does(browser: Browser, server: CockpitServer,
                                                                  size: str) -> None:
    page = _open(browser, server, size)
    width = SIZES[size][0]
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        requests = page.locator("#requests")
        summary = requests.get_by_text("Email 2 customers about 2 overdue invoices")
        assert summary.is_visible()
        link = requests.get_by_role("link", name="invoice INV-", exact=False).first
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"cockpit-{size}.png"), full_page=True)
        link.click()
        page.get_by_role("heading", name="invoice INV-", exact=False).wait_for()
        assert "Fernwood Bakery" in page.inner_text("body") or "Northwind Traders" in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        page.context.close()


def test_on_a_phone_a_proposal_is_approved_by_touch(browser: Browser, server: CockpitServer) -> None:
    page = _open(browser, server, "phone")
    try:
        proposal = page.locator("#requests tr", has_text="proposal #")
        assert proposal.get_by_text("Create lead: email ada@example.com").is_visible()
        proposal.get_by_role("button", name="Approve", exact=False).tap()
        flash = page.locator("#flash", has_text="approved")
        flash.wait_for()
        assert "{" not in flash.inner_text() and "done" in flash.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"][0]
    finally:
        page.context.close()


def test_the_mcp_app_shows_the_same_consequence(browser: Browser, server: CockpitServer) -> None:
    """A minimal host renders the App; the request shows its preview, not its raw arguments."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(TIMEOUT_MS)

    def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        async def run(app: App) -> Any:
            result = await app.executor.call(name, arguments, caller="mcp")
            return to_tool_result(result).model_dump(mode="json", by_alias=True, exclude_none=True)

        return server.run(run)

    try:
        page.expose_function("callTool", call_tool)
        page.set_content("""<iframe id="app" style="width:380px;height:800px"></iframe><script>
          const frame = document.getElementById('app');
          window.addEventListener('message', async (ev) => {
            const m = ev.data, reply = (result) => frame.contentWindow.postMessage({jsonrpc: '2.0', id: m.id,
              result}, '*');
            if (m.method === 'ui/initialize') reply({protocolVersion: m.params.protocolVersion,
              hostInfo: {name: 'test-host', version: '1'}, hostCapabilities: {}, hostContext: {}});
            else if (m.method === 'tools/call') reply(await window.callTool(m.params.name, m.params.arguments));
          });
        </script>""")
        page.eval_on_selector("#app", "(frame, html) => { frame.srcdoc = html; }", app_html())
        app = page.frame_locator("#app")
        app.get_by_text("Email 2 customers about 2 overdue invoices", exact=False).wait_for()
        assert app.get_by_text("Fernwood Bakery", exact=False).first.is_visible()
    finally:
        page.close()
