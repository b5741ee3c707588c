"""The strict prompt renderer: a missing or misspelled value is an error, never a blank in a system prompt."""

from __future__ import annotations

import pytest

from prompts.render import PromptError, load, placeholders, render, render_text, template_names


def test_placeholders_are_filled_and_other_braces_are_left_alone() -> None:
    text = 'Now: {now}. Call crm_list_leads with {"limit": 5}; write {{now}} to show a placeholder.'
    assert placeholders(text) == {"now"}
    assert render_text(text, {"now": "09:00"}) == \
        'Now: 09:00. Call crm_list_leads with {"limit": 5}; write {now} to show a placeholder.'


def test_missing_and_unused_values_are_refused_with_what_the_template_uses() -> None:
    with pytest.raises(PromptError, match=r"needs a value for modules, now \(it uses: modules, now\)"):
        render_text("{now} {modules}", {})
    with pytest.raises(PromptError, match="no placeholder for nwo"):
        render_text("{now}", {"now": 1, "nwo": 2})
    assert render_text("{now}", {"now": 1, "extra": 2}, allow_unused=True) == "1"


def test_templates_load_from_the_package() -> None:
    assert "ask" in template_names()
    needed = placeholders(load("ask"))
    text = render("ask", dict.fromkeys(needed, "VALUE"))
    assert "VALUE" in text and "{" + next(iter(needed)) + "}" not in text
    with pytest.raises(PromptError, match=r"no prompt template 'nope'; templates: .*ask"):
        render("nope")
