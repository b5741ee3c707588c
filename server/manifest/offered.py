"""What one process or one HTTP connection offers: only ever a narrowing of the instance.

``serve --read-only --modules crm,invoicing --exclude-skills a,b`` follows the convention of
GitHub's and Supabase's MCP servers; an HTTP client may narrow further with request headers
(``X-Pilothouse-Read-Only``, ``X-Pilothouse-Modules``, ``X-Pilothouse-Exclude-Skills``: a
choice the deployer makes per client, like an authorization scope). A skill outside the
selection is neither listed, found by search_skills, described nor run, and no selection can
reach a module the instance has switched off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from server.errors import ConfigError
from skills import Skill

if TYPE_CHECKING:
    from server.access.scopes import Scopes
    from server.app import App

READ_ONLY_HEADER = "x-pilothouse-read-only"
MODULES_HEADER = "x-pilothouse-modules"
EXCLUDE_HEADER = "x-pilothouse-exclude-skills"


@dataclass(frozen=True)
class Selection:
    """Which skills a process or a connection offers, within what the instance has enabled."""

    read_only: bool = False
    modules: frozenset[str] | None = None  # None: every enabled module
    exclude: frozenset[str] = frozenset()
    scopes: tuple[Scopes, ...] = ()  # a token's scopes (server/access/scopes.py): each must allow

    def allows(self, skill: Skill) -> bool:
        if self.read_only and not skill.hints.read_only:
            return False
        if self.modules is not None and skill.module_id not in self.modules:
            return False
        return skill.name not in self.exclude and all(s.allows(skill) for s in self.scopes)

    @property
    def everything(self) -> bool:
        return not self.read_only and self.modules is None and not self.exclude and not self.scopes

    def narrow(self, other: Selection) -> Selection:
        """Both selections at once: a connection can narrow the process's choice, never widen it."""
        modules = other.modules if self.modules is None else (
            self.modules if other.modules is None else self.modules & other.modules)
        return Selection(self.read_only or other.read_only, modules, self.exclude | other.exclude,
                         self.scopes + other.scopes)

    def why_not(self, skill: Skill) -> str:
        """Why ``allows`` said no, in the words of the option that said it."""
        for scopes in self.scopes:
            if not scopes.allows(skill):
                return scopes.why_not(skill)
        if self.read_only and not skill.hints.read_only:
            return f"{skill.name} changes data and this server offers read-only tools only (--read-only)"
        if self.modules is not None and skill.module_id not in self.modules:
            return (f"{skill.name} belongs to module '{skill.module_id}', which this server does not offer "
                    f"(--modules {','.join(sorted(self.modules))})")
        return f"{skill.name} is excluded on this server (--exclude-skills)"


def parse_selection(app: App, *, read_only: bool = False, modules: str | Iterable[str] | None = None,
                    exclude: str | Iterable[str] | None = None) -> Selection:
    """A Selection from comma-separated option values, refusing names this instance does not know."""
    module_ids = _names(modules)
    unknown = sorted(set(module_ids or ()) - set(app.registry.modules))
    if unknown:
        raise ConfigError(f"unknown module(s) {', '.join(unknown)} in --modules: the modules are "
                          f"{', '.join(sorted(app.registry.modules))} (pilothouse modules list)")
    excluded = _names(exclude) or []
    unknown = sorted(set(excluded) - set(app.registry.skills))
    if unknown:
        raise ConfigError(f"unknown skill(s) {', '.join(unknown)} in --exclude-skills: "
                          "pilothouse skills list shows every skill's name")
    return Selection(read_only, frozenset(module_ids) if module_ids is not None else None, frozenset(excluded))


def _names(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    names = [p.strip() for p in parts if p.strip()]
    return names or None


def from_headers(app: App, headers: Mapping[str, str] | None) -> Selection | None:
    """A connection's own narrowing, from its request headers; None when it sent none."""
    if not headers:
        return None
    read_only, modules, exclude = (headers.get(READ_ONLY_HEADER), headers.get(MODULES_HEADER),
                                   headers.get(EXCLUDE_HEADER))
    if read_only is None and modules is None and exclude is None:
        return None
    flag = (read_only or "").strip().lower()
    if flag not in ("", "true", "1", "yes", "false", "0", "no"):
        raise ConfigError(f"{READ_ONLY_HEADER} must be true or false, got {read_only!r}")
    try:
        return parse_selection(app, read_only=flag in ("true", "1", "yes"), modules=modules, exclude=exclude)
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("--modules", MODULES_HEADER)
                          .replace("--exclude-skills", EXCLUDE_HEADER)) from exc
