"""The module-author contract: @skill keeps the function, Module names and checks the skills."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.store import Store
from skills import (
    ContractError,
    Filters,
    Module,
    Page,
    Record,
    SkillContext,
    SkillFailed,
    check_transition,
    definition_of,
    fetch_page,
    skill,
)

pytestmark = pytest.mark.anyio


class Out(Record):
    n: int


def _module(*skills: Any, **extra: Any) -> Module:
    return Module(id="zoo", name="Zoo", description="Test animals.", category="operations", version="1",
                  skills=skills, **extra)


async def test_a_skill_stays_a_plain_function_with_its_definition_attached() -> None:
    @skill(title="Count", instructions="Counts the animals.", read_only=True)
    async def count_animals(ctx: SkillContext, n: int = 1) -> Out:
        """Count the animals.

        Args:
            n: How many.
        """
        return Out(n=n)

    module = _module(count_animals)
    (served,) = module.skills
    assert served.handler is count_animals
    # Name and category come from the module; the input model is named after the stamped name.
    assert (served.name, served.category, served.module_id) == ("zoo_count_animals", "operations", "zoo")
    assert served.inputs.model_name == "ZooCountAnimalsInput"
    assert await count_animals(None, n=3) == Out(n=3)  # type: ignore[arg-type]


def test_one_handler_in_two_modules_gives_each_its_own_skill() -> None:
    # Stamping used to rename the frozen definition in place: the second module renamed the first's skill.
    @skill(title="Count", instructions="Counts the animals.", read_only=True)
    async def count_animals(ctx: SkillContext) -> Out:
        """Count the animals."""
        return Out(n=0)

    zoo = _module(count_animals)
    farm = Module(id="farm", name="Farm", description="Farm animals.", category="crm", version="1",
                  skills=(count_animals,))
    assert [(s.name, s.category, s.module_id) for s in (*zoo.skills, *farm.skills)] == [
        ("zoo_count_animals", "operations", "zoo"), ("farm_count_animals", "crm", "farm")]
    assert [s.input_model.__name__ for s in (*zoo.skills, *farm.skills)] == [
        "ZooCountAnimalsInput", "FarmCountAnimalsInput"]
    assert definition_of(count_animals).name == ""  # the declaration is as written: the module decides


def test_a_declared_name_and_category_are_kept_and_the_prefix_is_checked() -> None:
    @skill(name="zoo_report", title="Report", category="analytics", instructions="Reports on the zoo.")
    async def report(ctx: SkillContext) -> Out:
        """Report."""
        return Out(n=0)

    assert [(s.name, s.category) for s in _module(report).skills] == [("zoo_report", "analytics")]

    @skill(name="farm_report", title="Report", instructions="Reports on the farm.")
    async def farm(ctx: SkillContext) -> Out:
        """Report."""
        return Out(n=0)

    with pytest.raises(ContractError, match=r"'farm_report' must start with 'zoo_'.*drop name= to get zoo_farm"):
        _module(farm)
    assert [s.name for s in _module(farm, prefix="farm").skills] == ["farm_report"]


def test_only_decorated_functions_are_skills() -> None:
    async def plain(ctx: SkillContext) -> Out:
        return Out(n=0)

    with pytest.raises(ContractError, match="not a skill: decorate it with @skill"):
        _module(plain)


@pytest.mark.parametrize(("doc", "message"), [
    ("Count the animals\n    of the whole zoo.", "must fit on one line"),
    ("Count.\n\nNOT for birds.\n\nNOT for fish.", "more than one paragraph"),
    ("Count.\n\nReturns:\n    The count.", "only have an Args: section"),
])
def test_the_description_has_one_shape(doc: str, message: str) -> None:
    async def handler(ctx: SkillContext) -> Out:
        return Out(n=0)

    handler.__doc__ = doc
    with pytest.raises(ContractError, match=message):
        skill(title="Count", instructions="Counts the animals.")(handler)


def test_a_summary_and_one_routing_paragraph_make_the_description() -> None:
    @skill(title="Count", instructions="Counts the animals.")
    async def count(ctx: SkillContext) -> Out:
        """Count the animals.

        NOT for the birds (use zoo_count_birds).
        """
        return Out(n=0)

    assert definition_of(count).description == "Count the animals.\n\nNOT for the birds (use zoo_count_birds)."


def test_a_transition_outside_the_map_is_refused_with_the_allowed_moves() -> None:
    moves = {"open": {"closed", "pending"}, "closed": set()}
    check_transition(moves, "open", "closed", what="ticket 1")
    with pytest.raises(SkillFailed, match=r"ticket 1 is open; it cannot move to new. Allowed: closed, pending"):
        check_transition(moves, "open", "new", what="ticket 1")
    with pytest.raises(SkillFailed, match=r"Allowed: none \(final\)"):
        check_transition(moves, "closed", "open", what="ticket 1")


class OutPage(Page[Out]):
    label: str = ""


async def test_fetch_page_returns_the_page_model(tmp_path: Path) -> None:
    db = await Store.open(tmp_path / "page.db")
    await db.execute("CREATE TABLE t (n INTEGER NOT NULL)")
    await db.executemany("INSERT INTO t (n) VALUES (?)", [(i,) for i in range(5)])
    f = Filters()
    page = await fetch_page(db, OutPage, select="n", from_="t", filters=f, order_by="n", limit=2, offset=1)
    assert page == OutPage(items=[Out(n=1), Out(n=2)], total=5, limit=2, offset=1)

    async def doubled(row: dict[str, Any]) -> Out:
        return Out(n=row["n"] * 2)

    page = await fetch_page(db, OutPage, select="n", from_="t", filters=f, order_by="n", limit=2, offset=1,
                            item=doubled, extra={"label": "x"})
    assert [i.n for i in page.items] == [2, 4] and page.label == "x"
    rows = await fetch_page(db, select="n", from_="t", filters=f, order_by="n", limit=2, offset=1)
    assert rows == ([{"n": 1}, {"n": 2}], 5, 2, 1)
    await db.close()
