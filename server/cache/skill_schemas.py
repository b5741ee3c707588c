"""Every skill's input and output JSON schema, kept in ``runtime_cache`` between starts.

Deriving the schemas means building a pydantic model per skill and walking it: ~120 ms
for ~170 skills, paid by every ``serve`` before its first tools/list. The schemas depend
only on the code, so they are stored under a fingerprint of that code: the text of every
source file of the top-level packages that define skills or their output types (``skills``,
``modules``, ``server`` for the system modules, community packs), plus the Pilothouse,
pydantic and Python versions. Any edit to those files is a new fingerprint, a miss, and one
rebuild, which also builds every input model: a skill pydantic cannot model fails the
start-up then, not its first call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path

import pydantic
import pydantic_core

from server.cache import runtime_cache
from server.registry import Registry
from server.store import AnyStore
from server.version import VERSION
from skills import Clock

log = logging.getLogger(__name__)

KEY_PREFIX = "skill_schemas:"


@lru_cache(maxsize=8)  # per registry: the code a process runs does not change under it
def fingerprint(registry: Registry) -> str:
    skills = registry.skills.values()
    packages = {"skills"} | {s.handler.__module__.split(".")[0] for s in skills} \
        | {s.output_model.__module__.split(".")[0] for s in skills}
    digest = hashlib.sha256(json.dumps(
        [VERSION, pydantic.VERSION, pydantic_core.__version__, sys.version, sorted(registry.skills)]).encode())
    for path in _source_files(sorted(packages)):
        digest.update(str(path).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # vanished or unreadable: its name and the versions still count
            continue
    return digest.hexdigest()[:32]


def _source_files(packages: list[str]) -> list[Path]:
    """Every .py file of these top-level packages, whether imported yet or not (~200 files, ~0.6 MB:
    ~2-3 ms). Content, not mtimes: a checkout or an image build may keep mtimes."""
    files: list[Path] = []
    for name in packages:
        module = sys.modules.get(name)
        if module is None:
            continue
        # A namespace package may list a directory twice (and an import hook that is no directory).
        roots = sorted({Path(p).resolve() for p in getattr(module, "__path__", ()) if Path(p).is_dir()})
        for root in roots:
            for folder, subfolders, names in os.walk(root):
                subfolders.sort()
                files.extend(Path(folder, n) for n in sorted(names) if n.endswith(".py"))
        if not roots and getattr(module, "__file__", None):
            files.append(Path(module.__file__))  # type: ignore[arg-type]
    return files


async def warm(store: AnyStore, registry: Registry, clock: Clock) -> bool:
    """Hand every skill its schemas from the cache; on a miss build them all and store them.

    Returns True on a hit.
    """
    key = KEY_PREFIX + fingerprint(registry)
    schemas = await runtime_cache.read(store, key)
    if schemas is not None and set(schemas) == set(registry.skills):
        for name, (input_json, output_json) in schemas.items():
            registry.skills[name].preload_schemas(input_json, output_json)
        return True
    built = {name: list(skill.schemas_json()) for name, skill in registry.skills.items()}
    await runtime_cache.write(store, key, built, clock.now(), replacing=KEY_PREFIX)
    log.info("skill schemas built and cached (%d skills)", len(built))
    return False
