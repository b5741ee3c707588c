"""The expected state an instance is compared with: its skills, module versions and documents.

Where it comes from (the first one found wins):
  1. the file named by ``PILOTHOUSE_BASELINE``, read on every check (a deploy ships it with the code);
  2. the one stored in memory (``skills_baseline``): ``pilothouse health baseline set`` (accept what
     this instance has now) or ``... import FILE`` (what a dev instance exported);
  3. the baseline shipped for the built-in modules (``builtin_baseline.json``, scope ``release``), so
     a fresh install is compared with what the release should contain.

The scope says how modules are compared. ``instance`` (set, export, import): exactly these modules
should be enabled, at these versions. ``release``: only the modules enabled here are compared, so a
built-in module left off, or a community module, is not a difference.

The file (JSON, ``"format": 1``)::

    {"format": 2, "scope": "instance", "skills_hash": "<sha256>",
     "modules": {"crm": {"version": "1.0.0", "skills": {"crm_get_lead": "<sha256>", ...}}, ...},
     "documents": {"soul": "<sha256>", ...}, "set_at": "...", "source": "..."}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from modules.pilot.documents import DOCUMENT_KEYS, problems
from server import settings
from server.errors import ConfigError
from server.health.hashing import BASELINE_KEY, diff, published, text_digest
from server.health.served import Served, served_state
from server.tables import memory
from server.tables.skill_state import deployed_skill_rows
from server.version import VERSION

if TYPE_CHECKING:
    from server.app import App
    from server.registry import Registry

ENV = "PILOTHOUSE_BASELINE"
BUILTIN_PATH = Path(__file__).with_name("builtin_baseline.json")
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class BaselineError(ConfigError):
    """A baseline file that cannot be used: unreadable, not JSON, or not in the format."""


class ModuleExpectation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str | None = None  # None: a baseline stored before versions were recorded
    skills: dict[str, Digest]


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1, 2] = 2  # 2: the digests the Skills extension publishes (server/health/hashing.py)
    scope: Literal["instance", "release"] = "instance"
    release: str | None = None
    skills_hash: Digest
    modules: dict[str, ModuleExpectation]
    documents: dict[str, Digest] = {}
    set_at: str | None = None
    source: str | None = None


@dataclass
class Difference:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.modules)

    def detail(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed, "modules": self.modules}


def parse(data: Any, source: str) -> Baseline:
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise BaselineError(f"{source} is not a usable baseline: {where}: {first['msg']} (write one with "
                            "`pilothouse health baseline export FILE`)") from None


def load_file(path: str | Path) -> Baseline:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline file {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"the baseline file {path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    baseline = parse(data, f"the baseline file {path}")
    if baseline.set_at is None:
        baseline.set_at = _mtime(Path(path))
    return baseline


def _mtime(path: Path) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def builtin() -> Baseline | None:
    """The shipped release baseline; None only in a checkout that has not generated it yet."""
    return load_file(BUILTIN_PATH) if BUILTIN_PATH.is_file() else None


def _legacy(data: dict[str, Any], registry: Registry) -> Baseline:
    """A baseline stored before modules and documents were recorded: its skills grouped by module."""
    modules: dict[str, ModuleExpectation] = {}
    for name, digest in data["skills"].items():
        owner = registry.skills[name].module_id if name in registry.skills else "(unknown)"
        modules.setdefault(owner, ModuleExpectation(skills={})).skills[name] = digest
    return Baseline(format=1, skills_hash=data["hash"], modules=modules, set_at=data.get("set_at"),
                    source="set locally")


async def effective(app: App) -> Baseline | None:
    """The baseline in force (raises BaselineError when ``PILOTHOUSE_BASELINE`` names a bad file)."""
    path = settings.load().baseline
    if path:
        found = load_file(path)
        found.source = f"{ENV}={path}"
        return found
    raw = await memory.read(app.store, BASELINE_KEY)
    if raw:
        data = json.loads(raw)
        return _legacy(data, app.registry) if "format" not in data else parse(data, "the stored baseline")
    return builtin()


def compare(baseline: Baseline, served: Served) -> Difference:
    wanted = set(baseline.modules) | set(served.modules)
    if baseline.scope == "release":
        wanted = set(baseline.modules) & set(served.modules)
    found = Difference()
    expected: dict[str, str] = {}
    current: dict[str, str] = {}
    for module_id in sorted(wanted):
        expect, have = baseline.modules.get(module_id), served.modules.get(module_id)
        if expect is not None:
            expected.update(expect.skills)
        if have is not None:  # a format-1 baseline is compared with format-1 digests: an upgrade is no drift
            current.update(have.skills if baseline.format == 2 else {n: served.legacy[n] for n in have.skills})
        if have is None:
            found.modules.append(f"{module_id}: in the baseline, not enabled here")
        elif expect is None:
            found.modules.append(f"{module_id}: enabled here, not in the baseline")
        elif expect.version is not None and expect.version != have.version:
            found.modules.append(f"{module_id}: version {have.version} here, {expect.version} in the baseline")
    skills = diff(expected, current)
    found.added, found.removed, found.changed = skills.added, skills.removed, skills.changed
    return found


async def current_state(app: App, *, source: str) -> tuple[Baseline, dict[str, str]]:
    """This instance's state as a baseline (scope ``instance``), and its documents' text."""
    served = await served_state(app, await deployed_skill_rows(app.store))
    texts = {k: v for k, v in (await memory.values(app.store, DOCUMENT_KEYS)).items() if v}
    state = Baseline(
        skills_hash=served.skills_hash,
        modules={m: ModuleExpectation(version=s.version, skills=s.skills) for m, s in served.modules.items()},
        documents={k: text_digest(v) for k, v in texts.items()},
        set_at=app.clock.now().isoformat(timespec="seconds"), source=source)
    return state, texts


async def install(app: App, baseline: Baseline) -> None:
    await memory.upsert(app.store, BASELINE_KEY, baseline.model_dump_json(), category="core",
                        now_iso=baseline.set_at or app.clock.now().isoformat(timespec="seconds"))


async def set_baseline(app: App) -> dict[str, Any]:
    """Accept what this instance serves now, and its sound documents as their last good versions."""
    state, texts = await current_state(app, source="set locally")
    set_at = state.set_at or ""
    async with app.store.transaction() as tx:
        await memory.upsert(tx, BASELINE_KEY, state.model_dump_json(), category="core", now_iso=set_at)
        for key, text in texts.items():
            if not problems(key, text):
                await memory.keep_last_good(tx, key, text, now_iso=set_at)
    count = sum(len(m.skills) for m in state.modules.values())
    return {"hash": state.skills_hash, "skill_count": count, "set_at": set_at}


async def import_file(app: App, path: str | Path) -> Baseline:
    baseline = load_file(path)
    baseline.set_at = app.clock.now().isoformat(timespec="seconds")
    baseline.source = f"imported from {Path(path).name}"
    await install(app, baseline)
    return baseline


def release_baseline(registry: Registry) -> dict[str, Any]:
    """What the release ships: the built-in modules (and health) as the code defines them, and the
    digests of the document templates. ``pilothouse health baseline builtin --write`` saves it."""
    from modules import BUILTIN_MODULES
    from server.agent.bootstrap import DOCUMENTS, template

    ids = [m.id for m in BUILTIN_MODULES if m.id in registry.modules]
    ids += [i for i in ("health",) if i in registry.modules]
    skills = [s for i in ids for s in registry.modules[i].skills]
    skills_hash, per_skill = published(skills, registry.modules)
    modules = {i: {"version": registry.modules[i].version,
                   "skills": {s.name: per_skill[s.name] for s in sorted(registry.modules[i].skills,
                                                                        key=lambda s: s.name)}}
               for i in sorted(ids)}
    return {"format": 2, "scope": "release", "release": VERSION, "skills_hash": skills_hash, "modules": modules,
            "documents": {k: text_digest(template(f)) for k, f in sorted(DOCUMENTS.items())}}


def render_release(registry: Registry) -> str:
    return json.dumps(release_baseline(registry), indent=1, sort_keys=True) + "\n"
