"""One bad community pack never stops the instance: it is reported (modules list, health, the cockpit)
with what is wrong and how to fix it, and skipped; ``modules disable`` works on it. A pack that is
uninstalled has its automations switched off and reported instead of failing every minute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from server.assembly import open_app
from server.testing import FakeClock
from tests.server.packs import GOOD, broken_with, pilothouse, write_pack

pytestmark = pytest.mark.anyio

BROKEN = {
    # The story: a category the contract refuses aborted every command, modules list included.
    "sales": broken_with('module = Module(id="sales", name="Sales", description="d", category="sales", '
                         'version="1", skills=(report,))\n'),
    "missing": "import not_a_real_dependency\n",
    "crontypo": broken_with(
        'module = Module(id="crontypo", name="Typo", description="d", category="analytics", version="1", '
        'skills=(report,), automations=(Automation(name="Weekly", trigger="cron", '
        'config={"schedule": "every monday"}, skill="crontypo_report"),))\n'),
    # Loads, but its skill takes the name of a built-in one: refused by the registry, not fatal.
    "clash": broken_with('report.__name__ = "create_lead"\nmodule = Module(id="clash", name="Clash", description="d", '
                         'category="crm", version="1", prefix="crm", skills=(report,))\n'),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = write_pack(tmp_path / "site", "good", GOOD)
    for name, code in BROKEN.items():
        write_pack(site, name, code)
    return site


def _json(run: Any) -> Any:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_broken_packs_are_reported_and_skipped_and_the_rest_works(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "instance.db"
    listed = {m["id"]: m for m in _json(pilothouse(site, db, "modules", "list", "--json"))}
    assert listed["good"]["state"] == "on" and listed["crm"]["state"] == "on"
    for name in BROKEN:
        assert listed[name]["state"] == "broken", listed[name]
        assert f"pilothouse modules disable {name}" in listed[name]["fix"]
    assert "category 'sales' is not one of" in listed["sales"]["problem"]
    assert "not_a_real_dependency" in listed["missing"]["problem"]
    assert "pip install --force-reinstall pilothouse-missing-pack" in listed["missing"]["fix"]
    assert "invalid cron expression 'every monday'" in listed["crontypo"]["problem"]
    assert "'crm_create_lead' is declared by both 'crm' and 'clash'" in listed["clash"]["problem"]

    lead = pilothouse(site, db, "call", "crm_create_lead", "--args", '{"email": "ada@example.com"}')
    assert lead.returncode == 0, lead.stderr
    assert _json(pilothouse(site, db, "call", "good_tick")) == {"ticks": 1}

    report = json.loads(pilothouse(site, db, "health", "--json").stdout)
    skipped = sorted(f["message"].split()[2] for f in report["findings"] if f["kind"] == "broken_pack")
    assert skipped == sorted(BROKEN) and report["status"] == "degraded"
    cockpit = _json(pilothouse(site, db, "call", "ops_cockpit"))
    assert any(f.startswith("broken_pack: community pack sales") for f in cockpit["findings"])

    # A person switches the broken pack off until it is fixed: health stops counting it, the list keeps it.
    disabled = pilothouse(site, db, "modules", "disable", "sales")
    assert disabled.returncode == 0 and "disabled" in disabled.stdout, disabled.stderr
    report = json.loads(pilothouse(site, db, "health", "--json").stdout)
    assert not [f for f in report["findings"] if "pack sales" in f["message"]]
    listed = {m["id"]: m for m in _json(pilothouse(site, db, "modules", "list", "--json"))}
    assert listed["sales"]["state"] == "broken, switched off"
    enabled = pilothouse(site, db, "modules", "enable", "sales")
    assert enabled.returncode != 0 and "category 'sales'" in enabled.stderr


async def test_an_uninstalled_pack_has_its_automations_switched_off_and_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, clock = tmp_path / "instance.db", FakeClock()
    site = write_pack(tmp_path / "site", "good", GOOD)
    with monkeypatch.context() as installed:
        installed.syspath_prepend(str(site))
        async with open_app(db, clock=clock) as app:
            assert await app.modules.is_enabled("good")
    # `pip uninstall`: the next start no longer finds the pack.
    async with open_app(db, clock=clock) as app:
        automations = await app.store.fetchall("SELECT enabled, last_status FROM automations WHERE module_id = 'good'")
        assert automations == [{"enabled": 0, "last_status": "off: module good is not installed"}]
        [status] = [s for s in await app.modules.statuses() if s.id == "good"]
        assert (status.state, status.enabled) == ("not installed", False)
        notes = await app.store.fetchall("SELECT title FROM notifications WHERE kind = 'module_not_installed'")
        assert notes == [{"title": "Module good is no longer installed"}]
    async with open_app(db, clock=clock) as app:  # told once, not at every start
        assert await app.store.fetchval("SELECT COUNT(*) FROM notifications WHERE kind = 'module_not_installed'") == 1
