"""Lists the screenshots the customer-view tests took (server.testing.browser), at the end of the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from server.testing import browser

    if browser.WRITTEN:
        terminalreporter.write_sep("-", "what a customer sees, as screenshots")
        for path in browser.WRITTEN:
            terminalreporter.write_line(str(path))
