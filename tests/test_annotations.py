"""skills/annotations.py resolves a handler's annotations to what typing.get_type_hints gives."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

import pytest
from pydantic import Field

from modules import BUILTIN_MODULES
from skills import Record, SkillContext
from skills.annotations import resolved


class Out(Record):
    n: int


@pytest.mark.parametrize("handler", [s.handler for m in BUILTIN_MODULES for s in m.skills],
                         ids=lambda h: h.__qualname__)
def test_every_builtin_handler_resolves_as_typing_does(handler: typing.Any) -> None:
    assert repr(resolved(handler)) == repr(typing.get_type_hints(handler, include_extras=True))


async def quoted(ctx: SkillContext, kind: Literal["a", "b"], n: Annotated[int, Field(ge=1)] = 1) -> Out:
    raise NotImplementedError


async def dangling(ctx: SkillContext, n: NoSuchType) -> Out:  # type: ignore[name-defined]  # noqa: F821
    raise NotImplementedError


def test_what_it_does_not_handle_itself_goes_to_typing() -> None:
    assert repr(resolved(quoted)) == repr(typing.get_type_hints(quoted, include_extras=True))
    with pytest.raises(NameError, match="NoSuchType"):
        resolved(dangling)
