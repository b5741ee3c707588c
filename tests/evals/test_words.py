"""How answers are read: figures as numbers, amounts in cents, dates however they are written."""

from __future__ import annotations

from evals import words
from evals.scripted import resolve


def test_a_figure_is_grounded_by_the_same_number_its_cents_or_its_fraction() -> None:
    read = '{"total_cents": 1800000, "rate": 0.333, "due_date": "2026-10-19T14:00:00+00:00"}'
    assert words.ungrounded("EUR 18,000.00 is due, 33% done, at 14:00 on 19 October 2026.", read) == []
    assert words.ungrounded("EUR 12,345.67 is due.", read) == ["12,345.67"]
    assert words.ungrounded("3 invoices, 2 late.", "") == []  # small counts are not judged one by one


def test_answer_words_match_numbers_and_dates_in_any_usual_form() -> None:
    answer = "Northwind owes EUR 18000.00, overdue since Oct 19th."
    assert words.missing(answer, ["northwind", ["18,000"], "2026-10-19"]) == []
    assert words.missing(answer, ["Fernwood", ["2,124", "2124"]]) == ["Fernwood", "2,124 | 2124"]
    assert words.says("due on 19 October", "2026-10-19") and not words.says("due on 19 November", "2026-10-19")


def test_reference_scripts_use_what_the_run_got_back() -> None:
    results = [{"items": [{"id": 4}, {"id": 7}]}, {"id": 9, "invoice_id": 12}]
    assert resolve({"ids": "$1.items.*.id", "first": "$1.items.0.id", "inv": "$-1.invoice_id"}, results) == {
        "ids": [4, 7], "first": 4, "inv": 12}
    assert resolve({"price": "$9.99 a month", "n": 3}, results) == {"price": "$9.99 a month", "n": 3}
