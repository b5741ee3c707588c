"""A generated module of many small skills, for tests and benchmarks that need a big catalog."""

from __future__ import annotations

from pydantic import BaseModel

from skills import Migration, Module, Skill, SkillContext, definition_of, skill


class BulkEcho(BaseModel):
    value: str


def bulk_module(count: int, module_id: str = "bulk") -> Module:
    """A generated module with ``count`` small read-only skills, for tests that need a big catalog."""

    def make(i: int) -> Skill:
        async def handler(ctx: SkillContext, value: str = "") -> BulkEcho:
            """Echo a value back.

            Args:
                value: Any text.
            """
            return BulkEcho(value=value)

        declare = skill(name=f"{module_id}_echo_{i:03d}", title=f"Echo {i}", category="system", read_only=True,
                        instructions=f"Echo number {i}: returns its input unchanged.")
        return definition_of(declare(handler))

    return Module(id=module_id, name="Bulk", description="Generated skills for tests.", category="system",
                  version="1", skills=tuple(make(i) for i in range(count)),
                  migrations=(Migration(1, f"CREATE TABLE {module_id}_rows (id INTEGER PRIMARY KEY)"),))
