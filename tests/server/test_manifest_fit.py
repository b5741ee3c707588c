"""One greedy fit for both tool lists (the drop tier's manifest and the reasoning loop's tools), and when
the joined list is over its budget it drops the lowest-ranked skill, not the last one by name."""

from __future__ import annotations

from server.manifest import focus, selection
from server.manifest.fitting import fit_ranked


def test_over_the_budget_the_lowest_ranked_goes_first() -> None:
    ranked = ["zeta_best", "alpha_second", "mid_third"]  # best first; by name the best is last
    # Each one's own count fits (3 x 10 within 30), but the joined list costs one more token.
    kept = fit_ranked(ranked, cost=lambda _: 10, base=0, cap=30, measure=lambda chosen: 10 * len(chosen) + 1)
    assert kept == ["zeta_best", "alpha_second"]


def test_size_and_cost_bound_what_is_taken_in_rank_order() -> None:
    costs = {"a": 5, "heavy": 50, "b": 5, "c": 5}
    kept = fit_ranked(list(costs), cost=costs.__getitem__, base=10, cap=30, size=2,
                      measure=lambda chosen: 10 + sum(costs[c] for c in chosen))
    assert kept == ["a", "b"]  # the heavy one is skipped for the next, and at most two are taken


def test_both_lists_use_the_one_fit() -> None:
    for module in (selection, focus):
        assert module.fit_ranked is fit_ranked
