"""The base of a module's output and item models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A pydantic model whose validator is built on first use, not when its module is imported.

    A catalog declares ~120 such models; building them all at import cost ~15-20 ms of every
    start, although a process answers tools/list from cached schemas and runs a few skills.
    """

    model_config = ConfigDict(defer_build=True)
