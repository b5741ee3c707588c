"""A handler's annotations, resolved: ``typing.get_type_hints(fn, include_extras=True)``, for less.

Handlers are written under ``from __future__ import annotations``, so every annotation is a string.
``get_type_hints`` wraps each in a ``ForwardRef``, which compiles it anew for every function: for the
~180 handlers a start registers, ~20 ms, of which ~15 ms go (``import modules``, measured with
``time.process_time``). Here each distinct text is compiled once and evaluated in the handler's
module, which gives the same objects for the plain annotations handlers write. Anything else (a quote
inside an annotation: ``Literal["a"]``, a nested forward reference; a bare ``None``; an annotation that
does not resolve, for its error) goes to ``get_type_hints`` as before.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from functools import cache
from types import CodeType
from typing import Any


def resolved(fn: Callable[..., Any]) -> dict[str, Any]:
    annotations: dict[str, Any] = getattr(fn, "__annotations__", {})
    scope = getattr(inspect.unwrap(fn), "__globals__", None)  # where get_type_hints looks names up
    if scope is not None and all(isinstance(text, str) and text != "None" and "'" not in text and '"' not in text
           for text in annotations.values()):
        try:
            return {name: eval(_compiled(text), scope) for name, text in annotations.items()}
        except Exception:  # get_type_hints below raises it, with its own message
            pass
    return typing.get_type_hints(fn, include_extras=True)


@cache
def _compiled(text: str) -> CodeType:
    return compile(text, "<annotation>", "eval")
