"""What a customer sees, photographed in a real browser: an email's HTML part, a PDF's first page.

Playwright drives Debian's Chromium headless (``apt-get install chromium``; no browser is
downloaded), as the cockpit's browser tests do. A PDF opens in Chromium's own viewer (PDFium,
the engine of Chrome's viewer); the shot is taken once the viewer reports the document loaded,
never after a fixed wait.

    async with Browser() as browser:
        seen = await browser.html(message_html, Path("results/artifacts/email.png"))  # the text shown
        await browser.pdf(Path("invoice.pdf"), Path("results/artifacts/invoice.png"))
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["ARTIFACTS", "WRITTEN", "Browser", "artifacts_dir"]

# Where tests leave what they photographed (gitignored); PILOTHOUSE_ARTIFACTS moves it.
ARTIFACTS = Path("results") / "artifacts"
TIMEOUT_MS = 30_000  # a bound on a loaded machine, not a wait: each step waits for an event
# The viewer's own state: "success" once PDFium has laid the document out (Chromium's pdf-viewer element).
# Every screenshot this process took, for a test run to list at its end (tests/modules/conftest.py).
WRITTEN: list[Path] = []
PDF_LOADED = "() => { const v = document.querySelector('pdf-viewer'); return !!v && v.loadState_ === 'success'; }"


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("PILOTHOUSE_ARTIFACTS") or ARTIFACTS).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browser:
    """One headless Chromium for a few screenshots."""

    def __init__(self, executable: str | None = None) -> None:
        from server.cockpit.screenshot import chromium

        found = executable or chromium()
        if found is None:
            raise RuntimeError("no chromium on PATH: apt-get install chromium")
        self.executable = found
        self._pw: Any = None
        self._browser: Any = None

    async def __aenter__(self) -> Browser:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(executable_path=self.executable, headless=True)
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._browser.close()
        await self._pw.stop()

    async def html(self, html: str, out: Path, *, width: int = 760) -> str:
        """The page as a mail client's reading pane of ``width`` px would show it, whole; returns the text
        a reader sees on it (what the browser rendered, not the source)."""
        page = await self._browser.new_page(viewport={"width": width, "height": 600})
        page.set_default_timeout(TIMEOUT_MS)
        try:
            await page.set_content(html, wait_until="load")
            await page.screenshot(path=str(out), full_page=True)
            visible: str = await page.inner_text("body")
        finally:
            await page.close()
        WRITTEN.append(out)
        return visible

    async def pdf(self, pdf: Path, out: Path, *, width: int = 820) -> Path:
        """The first page of ``pdf`` (an absolute path) as Chromium's viewer draws it, fitted to ``width`` px."""
        height = round(width * 297 / 210)  # one A4 page, fitted to the width
        page = await self._browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(TIMEOUT_MS)
        try:
            async with page.expect_event("framenavigated",
                                         predicate=lambda f: f.url.startswith("chrome-extension://")) as event:
                await page.goto(f"{pdf.as_uri()}#toolbar=0&navpanes=0&view=FitH")
            viewer = await event.value
            await viewer.wait_for_function(PDF_LOADED)
            await page.screenshot(path=str(out))
        finally:
            await page.close()
        WRITTEN.append(out)
        return out
