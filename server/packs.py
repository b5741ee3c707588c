"""Community packs: modules installed with pip and found through the ``pilothouse.modules`` entry point.

Each pack is loaded on its own. One that fails to import, is not a ``Module``, or breaks the
module contract when its declaration runs (a category the contract refuses, an invalid cron
line, an automation argument its skill does not take...) becomes a ``BrokenPack`` with the error
and how to fix it, and is skipped: the rest of the instance starts, and ``pilothouse modules
list``, health and the cockpit say what is wrong. What a pack breaks only beside the others (a
clashing id or skill name, a missing requirement, a failing migration) is refused the same way
by the registry and the module manager.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from server.registry import BrokenPack, silence
from skills import ContractError, Module

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "pilothouse.modules"


@dataclass
class Packs:
    """What the entry points held: ``(module, source)`` for each pack that loaded, and the broken ones."""

    loaded: list[tuple[Module, str]] = field(default_factory=list)
    broken: list[BrokenPack] = field(default_factory=list)

    @property
    def modules(self) -> list[Module]:
        return [m for m, _ in self.loaded]


def load_packs(taken: Collection[str]) -> Packs:
    """Every installed pack, by entry point name; ``taken``: the ids of the modules Pilothouse ships."""
    packs = Packs()
    seen = set(taken)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            module = ep.load()
        except ContractError as exc:
            packs.broken.append(_broken(ep, f"its declaration breaks the module contract: {exc}", (
                "fix the declaration in the pack (the message says what), or upgrade the pack; ")))
            continue
        except ImportError as exc:
            packs.broken.append(_broken(ep, f"it cannot be imported: {exc}", (
                f"install what it needs, or reinstall it: pip install --force-reinstall {_dist(ep)}; ")))
            continue
        except Exception as exc:  # a pack's own bug at import: the rest of the instance must not pay for it
            where = traceback.extract_tb(exc.__traceback__)[-1]
            packs.broken.append(_broken(ep, f"importing it raised {type(exc).__name__}: {exc} "
                                f"({where.filename}:{where.lineno})", "fix the pack or upgrade it; "))
            continue
        if not isinstance(module, Module):
            packs.broken.append(_broken(ep, f"the entry point names a {type(module).__name__}, not a Module", (
                "point the pack's pilothouse.modules entry point at its `module = Module(...)`; ")))
            continue
        if module.id in seen:
            packs.broken.append(_broken(ep, f"its module id {module.id!r} is taken by another module", (
                "give the pack's module another id; ")))
            continue
        seen.add(module.id)
        packs.loaded.append((module, ep.value))
        log.info("loaded community module %s from %s", module.id, ep.value)
    for pack in packs.broken:
        log.warning("community pack %s skipped: %s", pack.id, pack.error)
    return packs


def _broken(ep: EntryPoint, error: str, fix: str) -> BrokenPack:
    return BrokenPack(ep.name, ep.value, error, fix + silence(ep.name))


def _dist(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else ep.value.partition(":")[0].partition(".")[0]
