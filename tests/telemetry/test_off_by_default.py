"""With no OTEL_* variable set, nothing of the OpenTelemetry SDK is loaded and nothing is exported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from server.telemetry.setup import wanted

SCRIPT = """
import asyncio, sys
from server.assembly import open_app
from server.cli.main import main

assert main(["--db", sys.argv[1], "call", "crm_create_lead", "--args", '{"email": "ada@acme.io"}']) == 0

async def heartbeat_path():
    async with open_app(sys.argv[1]) as app:  # the executor, the scheduler and the agent, imported and used
        from server.assembly import scheduler_for
        await scheduler_for(app).tick()
        assert (await app.executor.call("crm_list_leads", {}, caller="cli")).ok

asyncio.run(heartbeat_path())
print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
"""


def test_nothing_configured_imports_no_sdk(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "p.db")], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded = eval(done.stdout.strip().splitlines()[-1])
    assert not [m for m in loaded if m.startswith(("opentelemetry.sdk", "opentelemetry.exporter"))], loaded


def test_what_turns_it_on() -> None:
    assert not wanted({})
    assert wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"})
    assert wanted({"OTEL_TRACES_EXPORTER": "console"})
    assert not wanted({"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"})
    assert not wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"})
