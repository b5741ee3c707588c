"""Module settings: what ``pilothouse modules configure`` accepts, and what a handler's ``ctx.settings`` holds.

A module declares its settings as a ``ModuleSettings`` model (skills/settings.py). Configuring
checks the change against it: an unknown key is refused with the accepted ones (and the closest
one, for a typo), a wrong value with the setting, the rule and the value given. Only what a person
configured is stored (the ``modules.settings`` row); what a handler gets is the whole model:
the declared default, under the process variable the setting names (read by the settings owner,
server/settings.py), under the configured value. A stored value the model refuses (written before
settings were checked) is left out, so the default applies, and health names it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from server.errors import ModuleError
from server.settings import values
from skills import Module
from skills.settings import ModuleSettings, env_of, is_secret

MASK = "********"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of a module, with the value in force and where it came from (for listings)."""

    module: str
    name: str
    value: Any  # MASK for a secret that is set
    source: str  # configured | env <VARIABLE> | default
    description: str
    secret: bool


def check_change(module: Module, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """What to store after ``changes``; raises ``ModuleError`` naming what is wrong and what is accepted."""
    model = module.settings
    if model is None:
        raise ModuleError(f"module {module.id!r} has no settings to configure")
    accepted = list(model.model_fields)
    for key in changes:
        if key not in model.model_fields:
            close = difflib.get_close_matches(key, accepted, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ModuleError(f"module {module.id} has no setting {key!r}{hint}; its settings: {', '.join(accepted)}")
    stored = {k: v for k, v in current.items() if k in model.model_fields} | dict(changes)
    try:
        model.model_validate(stored)
    except ValidationError as exc:
        raise ModuleError(f"module {module.id}: " + _reasons(exc, secret=lambda n: is_secret(model, n))) from None
    return stored


def effective(module: Module, stored_json: str | None) -> dict[str, Any]:
    """``ctx.settings`` for a call of one of ``module``'s skills, from its stored settings row."""
    if module.settings is None:
        return json.loads(stored_json) if stored_json else {}
    return dict(_effective(module.settings, stored_json or "{}", _env_values(module.settings)))


def listing(module: Module, stored_json: str | None) -> list[Setting]:
    """Every setting of ``module`` with its value in force (secrets masked) and its source."""
    model = module.settings
    if model is None:
        return []
    stored = _valid(model, json.loads(stored_json or "{}"))
    env = dict(_env_values(model))
    values = _effective(model, stored_json or "{}", _env_values(model))
    shown = []
    for name, field in model.model_fields.items():
        variable = env_of(model, name)
        source = "configured" if name in stored else f"env {variable}" if name in env else "default"
        secret = is_secret(model, name)
        value = MASK if secret and values[name] not in (None, "") else values[name]
        shown.append(Setting(module.id, name, value, source, field.description or "", secret))
    return shown


def problems(module: Module, stored_json: str | None) -> list[str]:
    """Stored settings the model refuses (left out of ``ctx.settings``), each with how to fix it."""
    model = module.settings
    if model is None or not stored_json:
        return []
    stored = json.loads(stored_json)
    unknown = [k for k in stored if k not in model.model_fields]
    found = [f"module {module.id}: stored setting {k!r} is not one of its settings ({', '.join(model.model_fields)}); "
             "it is ignored" for k in unknown]
    known = {k: v for k, v in stored.items() if k in model.model_fields}
    try:
        model.model_validate(known)
    except ValidationError as exc:
        found.append(f"module {module.id}: {_reasons(exc, secret=lambda n: is_secret(model, n))}; the default "
                     f"applies until it is fixed: pilothouse modules configure {module.id} KEY=VALUE")
    return found


@lru_cache(maxsize=256)
def _effective(model: type[ModuleSettings], stored_json: str, env: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    values = dict(env) | _valid(model, json.loads(stored_json))
    return _valid_model(model, values).model_dump()


def _valid(model: type[ModuleSettings], values: dict[str, Any]) -> dict[str, Any]:
    """The known keys of ``values`` whose value the model accepts."""
    known = {k: v for k, v in values.items() if k in model.model_fields}
    try:
        model.model_validate(known)
    except ValidationError as exc:
        refused = {e["loc"][0] for e in exc.errors() if e["loc"]}
        return {k: v for k, v in known.items() if k not in refused}
    return known


def _valid_model(model: type[ModuleSettings], values: dict[str, Any]) -> ModuleSettings:
    return model.model_validate(_valid(model, values))


def _env_values(model: type[ModuleSettings]) -> tuple[tuple[str, str], ...]:
    """``(setting, raw value)`` of the settings a process variable supplies, as the settings owner reads them."""
    variables = {name: env_of(model, name) for name in model.model_fields}
    found = values({v for v in variables.values() if v})
    return tuple((name, found[v]) for name, v in variables.items() if v and found.get(v) not in (None, ""))


def _reasons(exc: ValidationError, *, secret: Any) -> str:
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]) or "settings"
        given = "a secret value" if error["loc"] and secret(str(error["loc"][0])) else repr(error["input"])
        parts.append(f"setting {name}: {error['msg']} (got {given})")
    return "; ".join(parts)
