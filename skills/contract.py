"""The skill contract: one operation of a module, exposed as an MCP tool.

A handler is an async function ``(ctx, **params) -> OutputModel``. Its signature
and Google-style docstring are the tool contract: the summary becomes the
description, ``Args:`` entries become parameter descriptions, and an
undocumented parameter is a registration error, raised at import time.

Registration only checks the contract (names, annotations that resolve, documented
parameters, a pydantic return type); the pydantic input model is built on first use
(validation, a schema), because building ~170 of them at import cost ~50 ms of every
start. JSON schemas can be handed in from a cache (``preload_schemas``) so listing
tools needs no model at all; server/manifest/schema_cache.py keeps them.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import docstring_parser
from pydantic import BaseModel, ConfigDict, Field, PydanticUserError, create_model

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
    output_model: type[BaseModel]
    handler: Handler
    preferred_provider: str | None = None
    timeout_s: float = 30.0
    transactional: bool = True
    module_id: str = ""
    params: tuple[str, ...] = field(default=())
    # What the decorator derived from the signature; the input model is built from it on first use.
    inputs: _InputSpec = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    @property
    def input_model(self) -> type[BaseModel]:
        return self.inputs.model()

    def input_schema(self) -> dict[str, Any]:
        """A fresh dict each call (callers may change it)."""
        return json.loads(self.inputs.schema_json("input", self._build_input_schema))

    def output_schema(self) -> dict[str, Any]:
        return json.loads(self.inputs.schema_json("output", self._build_output_schema))

    def schemas_json(self) -> tuple[str, str]:
        """(input, output) JSON schemas as text: what the schema cache stores."""
        return (self.inputs.schema_json("input", self._build_input_schema),
                self.inputs.schema_json("output", self._build_output_schema))

    def preload_schemas(self, input_json: str, output_json: str) -> None:
        """Use schemas computed earlier from the same definition (a cache keyed by the source)."""
        self.inputs.schemas.setdefault("input", input_json)
        self.inputs.schemas.setdefault("output", output_json)

    def _build_input_schema(self) -> dict[str, Any]:
        return _clean_schema(self.input_model.model_json_schema())

    def _build_output_schema(self) -> dict[str, Any]:
        return _clean_schema(self.output_model.model_json_schema(mode="serialization"))


class _InputSpec:
    """A skill's input fields as declared, and what is built from them lazily (model, schema text)."""

    __slots__ = ("_model", "fields", "model_name", "schemas", "skill_name")

    def __init__(self, skill_name: str, model_name: str, fields: dict[str, tuple[Any, Any, str]]) -> None:
        self.skill_name = skill_name
        self.model_name = model_name
        self.fields = fields  # name -> (annotation, default or ..., description)
        self._model: type[BaseModel] | None = None
        self.schemas: dict[str, str] = {}

    def model(self) -> type[BaseModel]:
        if self._model is None:
            definitions: dict[str, Any] = {
                name: (hint, Field(default, description=description))
                for name, (hint, default, description) in self.fields.items()
            }
            try:
                self._model = create_model(self.model_name, __base__=StrictInput, **definitions)
            except (PydanticUserError, TypeError, NameError) as exc:
                raise ContractError(f"skill {self.skill_name}: its input model cannot be built: {exc}") from exc
        return self._model

    def schema_json(self, which: str, build: Callable[[], dict[str, Any]]) -> str:
        text = self.schemas.get(which)
        if text is None:
            text = self.schemas[which] = json.dumps(build(), ensure_ascii=False)
        return text


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
        doc = _parse_doc(inspect.getdoc(fn) or "")
        description = _description(name, doc)
        # Resolved once per skill: an annotation naming something that does not exist fails here, at import.
        hints = typing.get_type_hints(fn, include_extras=True)
        inputs, params = _input_spec(name, fn, hints, doc, confirmable=trust == "approve")
        output_model = _output_model(name, hints)
        return Skill(
            name=name,
            title=title,
            description=description,
            instructions=inspect.cleandoc(instructions),
            category=category,
            scope=scope,
            trust=trust,
            hints=Hints(read_only, destructive, read_only if idempotent is None else idempotent, open_world),
            output_model=output_model,
            handler=fn,
            preferred_provider=preferred_provider,
            timeout_s=timeout_s,
            transactional=transactional,
            params=params,
            inputs=inputs,
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


# Markers of the other docstring styles (reST/Epydoc fields, numpydoc section underlines).
_OTHER_DOC_STYLE = re.compile(r"^\s*(?::\w|@\w|-{3,}\s*$)", re.MULTILINE)


def _parse_doc(text: str) -> docstring_parser.Docstring:
    """Google style directly (4x cheaper than trying every style); any other style is still auto-detected."""
    if _OTHER_DOC_STYLE.search(text):
        return docstring_parser.parse(text)
    return docstring_parser.parse(text, style=docstring_parser.DocstringStyle.GOOGLE)


def _input_spec(
    name: str, fn: Handler, hints: dict[str, Any], doc: docstring_parser.Docstring, *, confirmable: bool
) -> tuple[_InputSpec, tuple[str, ...]]:
    signature = inspect.signature(fn)
    documented = {p.arg_name: (p.description or "").strip() for p in doc.params}
    parameters = list(signature.parameters.values())
    if not parameters or parameters[0].name != "ctx":
        raise ContractError(f"skill {name}: the first parameter must be `ctx`")
    fields: dict[str, tuple[Any, Any, str]] = {}
    for param in parameters[1:]:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise ContractError(f"skill {name}: parameter {param.name} must be a plain keyword parameter")
        if param.name not in hints:
            raise ContractError(f"skill {name}: parameter {param.name} needs a type annotation")
        description = documented.get(param.name)
        if not description:
            raise ContractError(f"skill {name}: parameter {param.name} is not documented in the docstring's Args")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], default, description)
    params = tuple(fields)
    if confirmable:
        if CONFIRM_FIELD in fields:
            raise ContractError(f"skill {name}: `{CONFIRM_FIELD}` is reserved for approve-trust skills")
        fields[CONFIRM_FIELD] = (bool, False, CONFIRM_DESCRIPTION)
    model_name = "".join(part.capitalize() for part in name.split("_")) + "Input"
    return _InputSpec(name, model_name, fields), params


def _output_model(name: str, hints: dict[str, Any]) -> type[BaseModel]:
    returned = hints.get("return")
    if typing.get_origin(returned) is typing.Annotated:
        returned = typing.get_args(returned)[0]
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
