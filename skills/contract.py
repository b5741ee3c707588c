"""The skill contract: one operation of a module, exposed as an MCP tool.

A handler is an async function ``(ctx, **params) -> OutputModel``. Its signature
and Google-style docstring are the tool contract: the summary becomes the
description, ``Args:`` entries become parameter descriptions, and an
undocumented parameter is a registration error, raised at import time.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import docstring_parser
from pydantic import BaseModel, ConfigDict, Field, create_model

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Every `approve` skill takes this argument: from chat the person must say yes first.
CONFIRM_FIELD = "confirm"
CONFIRM_DESCRIPTION = (
    "Set to true only after the person explicitly confirmed this action; it is irreversible or reaches "
    "people outside."
)

Scope = Literal["internal", "external", "both"]
Trust = Literal["auto", "notify", "approve"]
CATEGORIES = (
    "content", "crm", "communication", "automation", "search", "analytics",
    "system", "commerce", "growth", "subscriptions", "finance", "operations", "agent",
)

Handler = Callable[..., Awaitable[BaseModel]]


class ContractError(ValueError):
    """A skill or module definition is malformed. Raised at registration, never at call time."""


@dataclass(frozen=True, slots=True)
class Hints:
    """MCP tool annotations; clients use them to decide when to ask for confirmation."""

    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = False


class StrictInput(BaseModel):
    """Base of every derived input model: unknown arguments are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    title: str
    description: str
    instructions: str
    category: str
    scope: Scope
    trust: Trust
    hints: Hints
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    handler: Handler
    preferred_provider: str | None = None
    timeout_s: float = 30.0
    transactional: bool = True
    module_id: str = ""
    params: tuple[str, ...] = field(default=())

    def input_schema(self) -> dict[str, Any]:
        return _clean_schema(self.input_model.model_json_schema())

    def output_schema(self) -> dict[str, Any]:
        return _clean_schema(self.output_model.model_json_schema(mode="serialization"))


def skill(
    *,
    name: str,
    title: str,
    category: str,
    instructions: str,
    scope: Scope = "internal",
    trust: Trust = "auto",
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool | None = None,
    open_world: bool = False,
    preferred_provider: str | None = None,
    timeout_s: float = 30.0,
    transactional: bool = True,
) -> Callable[[Handler], Skill]:
    """Declare a skill from an async handler ``(ctx, **params) -> BaseModel``.

    ``transactional=False`` is for handlers that talk to the outside world (SMTP,
    webhooks): they manage their own short transactions so a slow peer never holds
    the write lock.
    """

    def decorate(fn: Handler) -> Skill:
        _check_name(name)
        if category not in CATEGORIES:
            raise ContractError(f"skill {name}: category {category!r} is not one of {CATEGORIES}")
        if not inspect.iscoroutinefunction(fn):
            raise ContractError(f"skill {name}: handler {fn.__qualname__} must be async")
        doc = docstring_parser.parse(inspect.getdoc(fn) or "")
        description = _description(name, doc)
        input_model, params = _input_model(name, fn, doc, confirmable=trust == "approve")
        output_model = _output_model(name, fn)
        return Skill(
            name=name,
            title=title,
            description=description,
            instructions=inspect.cleandoc(instructions),
            category=category,
            scope=scope,
            trust=trust,
            hints=Hints(read_only, destructive, read_only if idempotent is None else idempotent, open_world),
            input_model=input_model,
            output_model=output_model,
            handler=fn,
            preferred_provider=preferred_provider,
            timeout_s=timeout_s,
            transactional=transactional,
            params=params,
        )

    return decorate


def _check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise ContractError(
            f"skill name {name!r} is malformed: use lowercase letters, digits and '_', "
            "start with a letter, at most 48 characters"
        )


def _description(name: str, doc: docstring_parser.Docstring) -> str:
    parts = [p for p in (doc.short_description, doc.long_description) if p]
    if not parts:
        raise ContractError(f"skill {name}: the handler needs a docstring; its summary is the tool description")
    return "\n\n".join(parts).strip()


def _input_model(
    name: str, fn: Handler, doc: docstring_parser.Docstring, *, confirmable: bool
) -> tuple[type[BaseModel], tuple[str, ...]]:
    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)
    documented = {p.arg_name: (p.description or "").strip() for p in doc.params}
    parameters = list(signature.parameters.values())
    if not parameters or parameters[0].name != "ctx":
        raise ContractError(f"skill {name}: the first parameter must be `ctx`")
    fields: dict[str, Any] = {}
    for param in parameters[1:]:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise ContractError(f"skill {name}: parameter {param.name} must be a plain keyword parameter")
        if param.name not in hints:
            raise ContractError(f"skill {name}: parameter {param.name} needs a type annotation")
        description = documented.get(param.name)
        if not description:
            raise ContractError(f"skill {name}: parameter {param.name} is not documented in the docstring's Args")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=description))
    params = tuple(fields)
    if confirmable:
        if CONFIRM_FIELD in fields:
            raise ContractError(f"skill {name}: `{CONFIRM_FIELD}` is reserved for approve-trust skills")
        fields[CONFIRM_FIELD] = (bool, Field(False, description=CONFIRM_DESCRIPTION))
    model_name = "".join(part.capitalize() for part in name.split("_")) + "Input"
    model = create_model(model_name, __base__=StrictInput, **fields)
    return model, params


def _output_model(name: str, fn: Handler) -> type[BaseModel]:
    returned = typing.get_type_hints(fn).get("return")
    if not (isinstance(returned, type) and issubclass(returned, BaseModel)):
        raise ContractError(f"skill {name}: the handler must be annotated to return a pydantic model")
    return returned


def _clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop pydantic's generated titles: they repeat the property names and cost tokens."""
    if isinstance(schema, dict):
        return {k: _clean_schema(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_clean_schema(v) for v in schema]  # type: ignore[return-value]
    return schema
