"""``python -m server.cockpit.screenshot out.png``: the cockpit on demo data, as a PNG.

It builds a throw-away instance in a temporary directory (the demo data, the agent on in
shadow mode, a real dunning approval with its preview, one shadow proposal, a paused skill and
its notification), serves it on a free 127.0.0.1 port, and photographs /cockpit with Playwright
driving Debian's Chromium headless (``apt-get install chromium``; ``pip install -e ".[test]"``
brings Playwright; no browser is downloaded). ``--width 390`` takes it as a phone shows it. The
browser tests use the same ``CockpitServer``.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from server.app import App
    from skills import Clock

T = TypeVar("T")
START_TIMEOUT_S = 60.0


class CockpitServer:
    """``serve --http``'s app on 127.0.0.1, in a thread with its own event loop, for a browser to visit.

    ``run(fn)`` runs ``fn(app)`` on the server's loop (to set up data or read it back) and waits.
    """

    def __init__(self, db_path: Path, *, clock: Clock | None = None, poll_ms: int = 5000) -> None:
        from server.testing import free_port

        self.db_path, self.clock, self.poll_ms = db_path, clock, poll_ms
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._app: App | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="cockpit-server", daemon=True)

    def __enter__(self) -> CockpitServer:
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S) or self._error is not None:
            raise RuntimeError(f"the cockpit server did not start: {self._error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(START_TIMEOUT_S)

    def run(self, fn: Callable[[App], Awaitable[T]]) -> T:
        assert self._loop is not None and self._app is not None
        app = self._app
        return asyncio.run_coroutine_threadsafe(_call(fn, app), self._loop).result(START_TIMEOUT_S)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to __enter__, which is waiting
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        import uvicorn

        from server.assembly import Process, open_app
        from server.cockpit import http as cockpit_http
        from server.health import http as health_http
        from server.http_app import build_http_app

        async with open_app(self.db_path, clock=self.clock, retry_delay_s=0) as app:
            self._app, self._loop = app, asyncio.get_running_loop()
            surface = Process.assemble(app, scheduler=False).surface
            routes = [*health_http.routes(app), *cockpit_http.routes(app, poll_ms=self.poll_ms)]
            asgi = build_http_app(surface, host="127.0.0.1", port=self.port, extra_routes=routes)
            self._server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=self.port, log_level="error",
                                                         lifespan="on"))
            task = asyncio.create_task(self._server.serve())
            while not self._server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
            self._ready.set()
            await task


async def _call(fn: Callable[[App], Awaitable[T]], app: App) -> T:
    return await fn(app)


def chromium() -> str | None:
    """Debian's Chromium, if installed (the browser tests and the screenshot never download one)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


async def seed(app: App) -> None:
    """The demo instance the screenshot shows: something in every exceptions panel, made by real calls."""
    from server.agent.bootstrap import enable_agent
    from server.demo import seed_demo
    from server.tables import approvals, notifications, skill_state
    from server.trust import mode

    await seed_demo(app)
    await enable_agent(app)
    await app.executor.call("invoicing_check_overdue", {}, caller="cli")  # the demo's late invoices turn overdue
    await app.executor.call("invoicing_send_reminders", {}, caller="pilot")  # dunning waits for a person
    await mode.set_mode(app, "shadow", who="cli")
    proposed = await app.executor.call("crm_create_lead", {"email": "ada@example.com", "source": "form"},
                                       caller="pilot")  # in shadow mode: a proposal
    stamp = app.clock.now().isoformat(timespec="seconds")
    async with app.store.transaction() as tx:
        if proposed.approval_id is not None:
            await approvals.note_reason(tx, proposed.approval_id, "Ada asked for a quote on the contact form")
        await skill_state.pause_skill(tx, "webhooks_dispatch_events", "the receiver answered 401 three times", stamp)
        await notifications.add(tx, kind="skill_paused", title="webhooks_dispatch_events paused",
                                body="Fix the receiver's credentials, then Resume.", created_at=stamp)


def shoot(url: str, out: str, width: int, browser: str) -> int:
    """A full-page PNG of ``url`` at ``width`` CSS pixels; returns how wide the page really is."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=browser, headless=True)
        page = launched.new_page(viewport={"width": width, "height": 900 if width > 700 else 844})
        page.goto(url)
        page.screenshot(path=out, full_page=True)
        wide = int(page.evaluate("document.documentElement.scrollWidth"))
        launched.close()
    return wide


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 3) or (len(argv) == 3 and (argv[1] != "--width" or not argv[2].isdigit())):
        sys.stderr.write("usage: python -m server.cockpit.screenshot OUT.png [--width 390]  (default 1280)\n")
        return 2
    browser = chromium()
    if browser is None:
        sys.stderr.write("no chromium on PATH: apt-get install chromium\n")
        return 1
    width = int(argv[2]) if len(argv) == 3 else 1280
    with tempfile.TemporaryDirectory() as tmp, CockpitServer(Path(tmp) / "demo.db") as server:
        server.run(seed)
        wide = shoot(f"{server.url}/cockpit", argv[0], width, browser)
    sys.stdout.write(f"wrote {argv[0]} ({width} px wide viewport, page {wide} px wide)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
