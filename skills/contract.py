"""The skill contract: one operation of a module, exposed as an MCP tool.

A handler is an async function ``(ctx, **params) -> OutputModel`` decorated with
``@skill``. The decorator checks the contract and returns the function itself, still
callable and typed as written; its ``Skill`` definition rides along on it
(``definition_of(fn)``) and ``Module(skills=...)`` collects it.

Where each part of the served contract comes from, one place apiece:

- name: ``<module prefix>_<function name>``, stamped by the module (the prefix is the
  module id unless the module declares ``prefix=``). ``name=`` overrides it, and must
  still start with the prefix.
- category: the module's, unless ``category=`` says otherwise (an analytics report in
  a CRM module, say).
- description (what the tool is and when to pick it; sent in every tools/list, so it is
  short): the docstring's summary line. It may be followed, after a blank line, by one
  paragraph that routes elsewhere ("NOT for ... (use other_skill)"); the served
  description is the two joined by a blank line. A summary that wraps onto a second
  line, or a second such paragraph, is a registration error: it is either an accident
  of line wrapping or usage detail that belongs in ``instructions=``.
- instructions (how to use it: rules, side effects, events; sent on request):
  the ``instructions=`` argument, dedented.
- search metadata (``examples=``, ``synonyms=``: how people ask for it; read by skill search,
  never sent in a manifest): checked in skills/search_terms.py.
- parameter descriptions: the docstring's ``Args:`` entries. An undocumented parameter
  is a registration error; so is any other section (``Returns:``, ``Raises:``), which
  would be silently dropped.

Errors are raised at import time, never at call time.

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
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar, cast

import docstring_parser
from pydantic import BaseModel, ConfigDict, Field, PydanticUserError, create_model

from skills.annotations import resolved
from skills.bounds import bounded
from skills.docstrings import describe, parse_doc
from skills.effects import DeclaredEffect, EffectName, declare_effects
from skills.preview import PreviewHook, check_hook
from skills.search_terms import MAX_EXAMPLE, MAX_SYNONYM, check_search_terms

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Every `approve` skill (and any with effects) takes it: without a client form, the person's yes.
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
# The decorated function keeps its own type, so callers and mypy see its real signature.
SkillFunction = TypeVar("SkillFunction", bound=Handler)
# Where @skill leaves the definition on the function.
DEFINITION_ATTRIBUTE = "__skill__"


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
    # The skill normally does something (finds items, sends them): a long run of no_effect is a flag.
    expects_effect: bool = False
    # (parameter, table): ids that must name an existing row before a person is asked to confirm.
    targets: tuple[tuple[str, str], ...] = ()
    # What a call would do, read without side effects (skills/preview.py); None: the generic preview.
    preview: PreviewHook | None = None
    module_id: str = ""
    params: tuple[str, ...] = field(default=())
    # Requests as people type them, and other words for what the skill handles (skills/search_terms.py).
    examples: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    effects: tuple[DeclaredEffect, ...] = ()  # what a call can do to the world (skills/effects.py)
    # What the decorator derived from the signature; the input model is built from it on first use.
    inputs: _InputSpec = field(default_factory=lambda: _InputSpec("", "", {}), compare=False, repr=False)
    # What the author wrote (None: the module decides); name and category are stamped from them.
    declared_name: str | None = field(default=None, compare=False, repr=False)
    declared_category: str | None = field(default=None, compare=False, repr=False)

    @property
    def input_model(self) -> type[BaseModel]:
        return self.inputs.model()

    def input_schema(self) -> dict[str, Any]:
        """A fresh dict each call (callers may change it)."""
        return cast(dict[str, Any], json.loads(self.inputs.schema_json("input", self._build_input_schema)))

    def output_schema(self) -> dict[str, Any]:
        return cast(dict[str, Any], json.loads(self.inputs.schema_json("output", self._build_output_schema)))

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
            definitions: dict[str, Any] = {  # default bounds (skills/bounds.py) unless the author set tighter
                name: (bounded(name, hint), Field(default, description=description))
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
    title: str,
    instructions: str,
    name: str | None = None,
    category: str | None = None,
    scope: Scope = "internal",
    trust: Trust = "auto",
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool | None = None,
    open_world: bool = False,
    preferred_provider: str | None = None,
    timeout_s: float = 30.0,
    transactional: bool = True,
    examples: tuple[str, ...] = (),
    synonyms: tuple[str, ...] = (),
    expects_effect: bool = False,
    targets: dict[str, str] | None = None,
    effects: tuple[EffectName | DeclaredEffect, ...] = (),
    preview: PreviewHook | None = None,
) -> Callable[[SkillFunction], SkillFunction]:
    """Declare a skill from an async handler ``(ctx, **params) -> BaseModel``; returns the handler.

    ``name`` and ``category`` default to the module's (see the module docstring).
    ``targets`` maps id parameters to the table whose ``id`` they name (``{"invoice_id":
    "invoicing_invoices"}``): an approve-trust call naming a row that does not exist is refused
    before anyone is asked to confirm it.
    ``transactional=False`` is for handlers that talk to the outside world (SMTP,
    webhooks): they manage their own short transactions so a slow peer never holds
    the write lock. ``examples`` and ``synonyms`` help search find the skill (skills/search_terms.py).
    ``expects_effect=True`` declares that a call normally has an effect
    (items found, messages sent): calls that keep reporting ``no_effect`` for a day flag the skill
    as silently degraded. ``effects`` declares what a call can do to the world (skills/effects.py).
    ``preview`` says what a call would do before it runs (approvals, proposals, dry runs): an async
    function with the skill's parameters that reads and returns a ``Preview``.
    """

    def decorate(fn: SkillFunction) -> SkillFunction:
        label = name or fn.__qualname__  # errors before the module names the skill
        if name is not None:
            _check_name(name)
        if category is not None and category not in CATEGORIES:
            raise ContractError(f"skill {label}: category {category!r} is not one of {', '.join(CATEGORIES)}")
        is_async = inspect.iscoroutinefunction(fn)  # a bool, so mypy does not narrow away fn's own type
        if not is_async:
            raise ContractError(f"skill {label}: handler {fn.__qualname__} must be async")
        doc = parse_doc(inspect.getdoc(fn) or "")
        try:
            description = describe(label, doc)
            if preview is not None:
                check_hook(label, preview, tuple(p for p in inspect.signature(fn).parameters if p != "ctx"))
        except ValueError as exc:
            raise ContractError(str(exc)) from exc
        # Resolved once per skill: an annotation naming something that does not exist fails here, at import.
        hints = resolved(fn)
        inputs, params = _input_spec(label, fn, hints, doc, confirmable=trust == "approve" or bool(effects))
        output_model = _output_model(label, hints)
        try:
            asked = check_search_terms("examples", examples, MAX_EXAMPLE)
            words = check_search_terms("synonyms", synonyms, MAX_SYNONYM)
            declared = declare_effects(effects, params)
        except ValueError as exc:
            raise ContractError(f"skill {label}: {exc}") from exc
        if bad := [p for p in targets or {} if p not in params]:
            raise ContractError(f"skill {label}: targets names {bad[0]!r}, which is not a parameter")
        definition = Skill(
            name=name or "",
            title=title,
            description=description,
            instructions=inspect.cleandoc(instructions),
            category=category or "",
            scope=scope,
            trust=trust,
            hints=Hints(read_only, destructive, read_only if idempotent is None else idempotent, open_world),
            output_model=output_model,
            handler=fn,
            preferred_provider=preferred_provider,
            timeout_s=timeout_s,
            transactional=transactional,
            expects_effect=expects_effect,
            targets=tuple((targets or {}).items()),
            preview=preview,
            params=params,
            examples=asked,
            synonyms=words,
            effects=declared,
            inputs=inputs,
            declared_name=name,
            declared_category=category,
        )
        setattr(fn, DEFINITION_ATTRIBUTE, definition)
        return fn

    return decorate


def definition_of(declared: Skill | Handler) -> Skill:
    """The ``Skill`` behind a ``@skill`` function (a ``Skill`` is returned as it is)."""
    if isinstance(declared, Skill):
        return declared
    definition = getattr(declared, DEFINITION_ATTRIBUTE, None)
    if not isinstance(definition, Skill):
        what = getattr(declared, "__qualname__", repr(declared))
        raise ContractError(f"{what} is not a skill: decorate it with @skill(...)")
    return definition


def stamp(definition: Skill, *, module_id: str, prefix: str, category: str) -> Skill:
    """The skill as its module serves it: name (unless declared), category (unless declared), owner.

    Called by ``Module``. It returns a copy: the declaration on the function stays as written, so one
    handler declared in two modules gives each module its own skill, and neither renames the other's.
    """
    name = definition.declared_name or f"{prefix}_{definition.handler.__name__}"
    _check_name(name)
    if not name.startswith(f"{prefix}_"):
        raise ContractError(
            f"module {module_id}: skill {name!r} must start with {prefix + '_'!r}: rename it, drop name= to get "
            f"{prefix}_{definition.handler.__name__}, or declare Module(prefix=...) if the module uses another prefix"
        )
    chosen = definition.declared_category or category
    if chosen not in CATEGORIES:
        raise ContractError(f"module {module_id}: skill {name}: category {chosen!r} is not one of "
                            f"{', '.join(CATEGORIES)}; set Module(category=...) or the skill's category= to one "
                            "of them")
    inputs = _InputSpec(name, _model_name(name), definition.inputs.fields)
    return replace(definition, name=name, category=chosen, module_id=module_id, inputs=inputs)


def _check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise ContractError(
            f"skill name {name!r} is malformed: use lowercase letters, digits and '_', "
            "start with a letter, at most 48 characters"
        )


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
    return _InputSpec(name, _model_name(name), fields), params


def _model_name(skill_name: str) -> str:
    return "".join(part.capitalize() for part in skill_name.split("_")) + "Input"


def _output_model(name: str, hints: dict[str, Any]) -> type[BaseModel]:
    returned = hints.get("return")
    if typing.get_origin(returned) is typing.Annotated:
        returned = typing.get_args(returned)[0]
    if not (isinstance(returned, type) and issubclass(returned, BaseModel)):
        raise ContractError(f"skill {name}: the handler must be annotated to return a pydantic model")
    return returned


def _clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop pydantic's generated titles: they repeat the property names and cost tokens."""
    return cast(dict[str, Any], _without_titles(schema))


def _without_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_without_titles(v) for v in node]
    return node
