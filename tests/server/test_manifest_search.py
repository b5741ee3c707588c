"""Skill search finds what people mean: typed requests, author metadata, the shared vocabulary."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from server import manifest
from server.agent.bootstrap import enable_agent
from server.app import App
from server.manifest.search import query_terms, search
from server.testing import McpHarness
from skills import ContractError, Skill, SkillContext, definition_of, skill

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("request_text", "expected"), [
    ("chase the customers that haven't paid their bills", "invoicing_send_reminders"),
    ("who still owes us money and how late are they", "invoicing_ar_aging"),
    ("the pallet from our supplier arrived, record what came in", "purchasing_receive"),
])
async def test_the_issue_requests_find_their_skill_first(app: App, request_text: str, expected: str) -> None:
    await enable_agent(app)
    found = search(await manifest.enabled_skills(app), request_text, 5)
    assert found and found[0][0].name == expected, [s.name for s, _ in found]


async def test_search_skills_over_mcp_answers_in_the_operators_words(mcp: McpHarness) -> None:
    found = await mcp.call("search_skills", query="give the customer their money back for order 77", limit=3)
    # "NOT for refunds" in orders_cancel's description names what it is *not* for: it must not pull refunds.
    assert found["results"][0]["name"] == "orders_refund"
    assert "orders_cancel" != found["results"][0]["name"]


class Out(BaseModel):
    ok: bool


def first(skills: list[Skill], query: str) -> str:
    found = search(skills, query, 5)
    assert found, f"nothing found for {query!r}"
    return found[0][0].name


def _skill(name: str, doc: str, examples: tuple[str, ...] = (), synonyms: tuple[str, ...] = ()) -> Skill:
    async def handler(ctx: SkillContext) -> Out:
        return Out(ok=True)

    handler.__doc__ = doc
    return definition_of(skill(name=name, title=name.replace("_", " "), category="system", read_only=True,
                               instructions="Does it.", examples=examples, synonyms=synonyms)(handler))


def test_examples_and_synonyms_reach_skills_their_description_does_not() -> None:
    plain = _skill("ar_aging", "Outstanding receivables bucketed by days past due.")
    noisy = _skill("ar_money_report", "Money in and out per month.")
    assert first([plain, noisy], "who owes us money") == "ar_money_report"
    tagged = _skill("ar_aging", "Outstanding receivables bucketed by days past due.",
                    examples=("who owes us money",), synonyms=("debtors",))
    assert first([tagged, noisy], "who owes us money") == "ar_aging"
    assert [s.name for s, _ in search([tagged, noisy], "list our debtors", 5)] == ["ar_aging"]


@pytest.mark.parametrize(("metadata", "message"), [
    ({"examples": "who owes us money"}, "takes a tuple of strings, not one string"),
    ({"synonyms": ("bill", "Bill")}, "is listed twice"),
    ({"examples": ("",)}, "must be non-empty text"),
    ({"synonyms": ("a word group far too long to be one synonym at all",)}, "at most 40 characters"),
    ({"examples": ("one\ntwo",)}, "must be one line"),
])
def test_search_metadata_is_checked_at_registration(metadata: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractError, match=message) as caught:
        _skill("ar_aging", "Outstanding receivables.", metadata.get("examples", ()), metadata.get("synonyms", ()))
    assert "skill ar_aging" in str(caught.value)


def test_a_typed_word_outweighs_its_vocabulary_expansion() -> None:
    terms = query_terms("bill the supplier")
    assert terms["bill"] == 1.0 and 0 < terms["invoic"] < 1.0 and 0 < terms["vendor"] < 1.0
    exact = _skill("ops_bill_split", "Split a bill between people.")
    expanded = _skill("ops_invoice", "Draft an invoice.")
    assert first([expanded, exact], "split the bill") == "ops_bill_split"
    assert [s.name for s, _ in search([exact, expanded], "bill acme", 5)][-1] == "ops_invoice"


async def test_the_index_follows_the_enabled_catalog(app: App, mcp: McpHarness) -> None:
    before = await mcp.call("search_skills", query="stock ledger movements", limit=3)
    assert before["results"][0]["name"] == "products_stock_ledger"
    await app.modules.disable("orders")  # orders requires products; products can go after it
    await app.modules.disable("quotes")
    await app.modules.disable("products")
    after = await mcp.call("search_skills", query="stock ledger movements", limit=3)
    assert all(not r["name"].startswith("products_") for r in after["results"])
