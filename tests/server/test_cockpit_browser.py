"""The cockpit in a real browser: Playwright driving Debian's Chromium headless, against a real server.

One server (a real uvicorn on 127.0.0.1, a FakeClock, a 200 ms poll) and one browser for the
module; each test opens its own browser context, so its own session cookie. Locally, without
``chromium`` on PATH these tests skip and say why; in CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from server.agent.bootstrap import disable_agent, enable_agent
from server.app import App
from server.cockpit.app_resource import app_html
from server.cockpit.screenshot import CockpitServer, chromium
from server.confirmation import Confirmation, ConfirmRequest
from server.health.report import build_report
from server.mcp.surface import to_tool_result
from server.tables import approvals
from server.testing import FakeClock

BROWSER = chromium()
MISSING = "no chromium on PATH (apt-get install chromium); CI installs it"
if BROWSER is None and os.environ.get("CI"):
    raise RuntimeError(f"the browser tests must run in CI: {MISSING}")
pytestmark = pytest.mark.skipif(BROWSER is None, reason=MISSING)
TIMEOUT_MS = 30_000  # a bound on a loaded 2-core machine, not a wait: every step waits for an event

if BROWSER is not None:
    from playwright.sync_api import Browser, Page, sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CockpitServer]:
    with CockpitServer(tmp_path_factory.mktemp("cockpit") / "app.db", clock=FakeClock(), poll_ms=200) as running:
        running.run(enable_agent)
        running.run(build_report)  # the first report imports and hashes the catalog (~2 s): not inside a timed step
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=BROWSER, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: CockpitServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


def queue(server: CockpitServer, order_id: int) -> int:
    async def add(app: App) -> int:
        now = app.clock.now()
        async with app.store.transaction() as tx:
            request_id, _ = await approvals.queue(
                tx, skill="orders_cancel", arguments=json.dumps({"order_id": order_id}), run_id=None,
                requested_by="pilot", requested_at=now.isoformat(timespec="seconds"),
                expires_at=(now + timedelta(hours=48)).isoformat(timespec="seconds"))
        return request_id

    return server.run(add)


def status_of(server: CockpitServer, request_id: int) -> dict[str, Any]:
    async def read(app: App) -> dict[str, Any]:
        return dict(await approvals.get(app.store, request_id) or {})

    return server.run(read)


def open_cockpit(page: Page, server: CockpitServer) -> None:
    page.goto(f"{server.url}/cockpit")
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page


def test_clicking_approve_decides_it_in_the_database_and_on_the_page(page: Page, server: CockpitServer) -> None:
    request_id = queue(server, 101)
    open_cockpit(page, server)
    row = page.locator(f'tr[data-request="{request_id}"]')
    assert "order id 101" in row.inner_text()
    page.get_by_role("button", name=f"Approve approval #{request_id} (orders_cancel)").click()
    page.locator("#flash", has_text=f"approval #{request_id} approved").wait_for()
    assert row.count() == 0
    assert status_of(server, request_id)["status"] == "approved"
    assert page.evaluate("window.__sameDocument") is True


def test_reject_asks_for_a_reason_and_stores_it(page: Page, server: CockpitServer) -> None:
    request_id = queue(server, 102)
    open_cockpit(page, server)
    reject = page.get_by_role("button", name=f"Reject approval #{request_id} (orders_cancel)")
    reject.click()  # no reason yet: the browser asks for one and nothing is sent
    reason = page.get_by_label("Reason").and_(page.locator(f"#reason-{request_id}"))
    assert reason.evaluate("input => input.validity.valueMissing") is True
    assert status_of(server, request_id)["status"] == "pending"
    reason.fill("the customer already paid")
    reject.click()
    page.locator("#flash", has_text=f"approval #{request_id} rejected").wait_for()
    row = status_of(server, request_id)
    assert row["status"] == "rejected" and row["result"] == "the customer already paid"


def test_an_action_without_the_csrf_token_is_refused(page: Page, server: CockpitServer) -> None:
    request_id = queue(server, 103)
    open_cockpit(page, server)
    refused = page.request.post(f"{server.url}/cockpit/action/approve", form={"id": str(request_id)})
    assert refused.status == 403 and "CSRF" in refused.text()
    assert status_of(server, request_id)["status"] == "pending"


def test_a_new_approval_appears_without_a_reload(page: Page, server: CockpitServer) -> None:
    open_cockpit(page, server)
    request_id = queue(server, 104)
    page.locator(f'tr[data-request="{request_id}"]').wait_for()  # the 200 ms poll brought it
    assert page.evaluate("window.__sameDocument") is True


def test_with_the_agent_off_the_agent_panels_are_not_shown(page: Page, server: CockpitServer) -> None:
    queue(server, 105)
    server.run(disable_agent)
    try:
        open_cockpit(page, server)
        assert page.get_by_text("agent off: operations view").is_visible()
        assert page.locator("#requests").count() == 0 and page.locator("#heartbeats").count() == 0
        assert page.get_by_role("heading", name="Activity feed").is_visible()
    finally:
        server.run(enable_agent)


def test_the_screenshot_is_the_cockpit_not_a_blank_or_error_page(page: Page, server: CockpitServer,
                                                                 tmp_path: Path) -> None:
    queue(server, 106)
    open_cockpit(page, server)
    shot = tmp_path / "cockpit.png"
    page.screenshot(path=str(shot), full_page=True)
    assert page.get_by_role("heading", name="Exception cockpit", level=1).is_visible()
    body = page.inner_text("body")
    assert not any(bad in body for bad in ("Internal Server Error", "Traceback", "failed inside the server"))
    # Decoded by the browser itself: a blank page is one colour, the cockpit has many.
    colours = page.evaluate("""async (data) => {
        const img = new Image(); img.src = 'data:image/png;base64,' + data; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const px = g.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
        for (let i = 0; i < px.length; i += 4 * 97) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        return seen.size; }""", base64.b64encode(shot.read_bytes()).decode())
    assert colours > 20, f"the screenshot has only {colours} colours: a blank page?"


def test_the_mcp_app_renders_in_a_host_and_its_buttons_call_the_tools(page: Page, server: CockpitServer) -> None:
    """A minimal host: the App in an iframe; the host answers ui/initialize and forwards tools/call to
    the server's tools (the executor, as an MCP tools/call does). It shows forms: deciding a request is
    a person's decision, so the server asks again there, and the person says yes."""
    request_id = queue(server, 107)
    calls: list[str] = []
    asked: list[str] = []

    async def form(request: ConfirmRequest) -> Confirmation:
        asked.append(request.skill.name)
        return Confirmation("confirmed", via="elicitation")

    def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        calls.append(name)

        async def run(app: App) -> Any:
            result = await app.executor.call(name, arguments, caller="mcp", confirm=form)
            return to_tool_result(result).model_dump(mode="json", by_alias=True, exclude_none=True)

        return server.run(run)

    page.expose_function("callTool", call_tool)
    page.set_content("""<iframe id="app" style="width:1000px;height:800px"></iframe><script>
      const frame = document.getElementById('app');
      window.addEventListener('message', async (ev) => {
        const m = ev.data, reply = (result) => frame.contentWindow.postMessage({jsonrpc: '2.0', id: m.id, result}, '*');
        if (m.method === 'ui/initialize') reply({protocolVersion: m.params.protocolVersion,
          hostInfo: {name: 'test-host', version: '1'}, hostCapabilities: {}, hostContext: {}});
        else if (m.method === 'tools/call') reply(await window.callTool(m.params.name, m.params.arguments));
      });
    </script>""")
    page.eval_on_selector("#app", "(frame, html) => { frame.srcdoc = html; }", app_html())
    app = page.frame_locator("#app")
    app.get_by_role("button", name=f"Approve approval #{request_id}").click()
    app.locator("#flash", has_text=f"done: Approve approval #{request_id}").wait_for()
    row = status_of(server, request_id)
    assert row["status"] == "approved" and row["decided_by"] == "mcp"
    assert calls[0] == "ops_cockpit" and "ops_approve" in calls and asked == ["ops_approve"]
