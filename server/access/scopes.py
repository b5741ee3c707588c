"""What a token may do: scopes by module and by read or write, and the people-only decisions.

    read | write             every module's skills that change nothing | every skill of every module
    MODULE:read | MODULE:write   the same, for one module (crm:read, invoicing:write)
    decide                   the people-only decisions: approve or reject requests, trust, agent mode
                             (server/trust/gate.py's people_only); no module scope grants them
    owner                    everything: write + decide (what the single PILOTHOUSE_TOKEN is)

Write includes read. The scope says who MAY decide; a person confirming it (the trust gate's
question) says a person DID. Scopes narrow what a connection lists and runs, like the read-only
and module selections (server/manifest/offered.py), and guard the HTTP routes by the skill each
one stands for (the cockpit's buttons, /instance-health).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from server.errors import ConfigError
from server.trust.gate import people_only
from skills import Skill

Level = Literal["read", "write"]
EVERY = "*"
DECIDE = "decide"
OWNER = "owner"
OWNER_NAME = "owner"  # whoever holds PILOTHOUSE_TOKEN: the name its calls are recorded under
SYNTAX = ("read, write, MODULE:read, MODULE:write, decide or owner (e.g. 'invoicing:read crm:write'); "
          "pilothouse modules list shows the module ids")


@dataclass(frozen=True)
class Scopes:
    grants: frozenset[tuple[str, Level]]  # (module id or "*", level)
    decide: bool = False

    @property
    def owner(self) -> bool:
        return self.decide and (EVERY, "write") in self.grants

    def grants_level(self, module_id: str, level: Level) -> bool:
        return any(m in (EVERY, module_id) and (granted == "write" or level == "read") for m, granted in self.grants)

    def allows(self, skill: Skill) -> bool:
        if people_only(skill):
            return self.decide
        return self.grants_level(skill.module_id, "read" if skill.hints.read_only else "write")

    def why_not(self, skill: Skill) -> str:
        if people_only(skill):
            return f"{skill.name} is a person's decision and this token lacks the 'decide' scope (it has: {self})"
        level = "read" if skill.hints.read_only else "write"
        return (f"{skill.name} needs the scope {skill.module_id}:{level} (or {level}), which this token does not "
                f"have (it has: {self})")

    def __str__(self) -> str:
        if self.owner:
            return OWNER
        words = sorted(level if module == EVERY else f"{module}:{level}" for module, level in self.grants)
        return " ".join([*words, *([DECIDE] if self.decide else [])]) or "nothing"


OWNER_SCOPES = Scopes(frozenset({(EVERY, "write")}), decide=True)


def parse(words: str | Iterable[str], modules: Iterable[str] | None = None) -> Scopes:
    """Scopes from their words (space- or comma-separated). With ``modules``, a module id must be one of them."""
    parts = words.replace(",", " ").split() if isinstance(words, str) else [w for w in words if w]
    known = set(modules) if modules is not None else None
    grants: set[tuple[str, Level]] = set()
    decide = False
    for word in parts:
        if word == OWNER:
            return OWNER_SCOPES
        if word == DECIDE:
            decide = True
            continue
        module, _, level = word.rpartition(":")
        if level not in ("read", "write") or (":" in word and not module):
            raise ConfigError(f"unknown scope {word!r}: use {SYNTAX}")
        if known is not None and module and module not in known:
            raise ConfigError(f"unknown module {module!r} in scope {word!r}: use {SYNTAX}")
        grants.add((module or EVERY, level))  # type: ignore[arg-type]
    if not grants and not decide:
        raise ConfigError(f"no scope given: use {SYNTAX}")
    return Scopes(frozenset(grants), decide)


def lenient(words: Iterable[str]) -> Scopes | None:
    """The Pilothouse scopes among a token's (an OAuth server's token carries others too), or None if none."""
    ours = [w for w in words if w in (OWNER, DECIDE, "read", "write") or w.endswith((":read", ":write"))]
    if not ours:
        return None
    try:
        return parse(ours)
    except ConfigError:
        return None
