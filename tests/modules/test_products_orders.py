from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from server.app import App
from server.demo import seed_demo
from server.errors import ModuleError
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def _product(mcp: McpHarness, sku: str, price: int, stock: int, **extra: Any) -> dict[str, Any]:
    product: dict[str, Any] = await mcp.call("products_create", sku=sku, name=f"Product {sku}", price_cents=price,
                                             initial_stock=stock, **extra)
    return product


async def _stock(mcp: McpHarness) -> dict[str, int]:
    return {p["sku"]: p["stock"] for p in (await mcp.call("products_list", limit=200))["items"]}


async def _events(app: App, prefix: str) -> list[str]:
    rows = await app.store.fetchall("SELECT name FROM events WHERE name LIKE ? ORDER BY id", (f"{prefix}%",))
    return [r["name"] for r in rows]


async def _order(mcp: McpHarness, *lines: tuple[str, int], **extra: Any) -> dict[str, Any]:
    order: dict[str, Any] = await mcp.call("orders_place", customer="Ada Shop", customer_email="ada@shop.example",
                                           lines=[{"sku": s, "quantity": q} for s, q in lines], **extra)
    return order


# --- products -------------------------------------------------------------------------------------------


async def test_catalog_skus_are_unique_and_updates_archive(app: App, mcp: McpHarness) -> None:
    mug = await _product(mcp, "MUG-BLUE", 1_450, 12, description="Camp mug")
    assert (mug["status"], mug["stock"], mug["currency"]) == ("active", 12, "EUR")
    assert "SKU MUG-BLUE already exists" in await mcp.error("products_create", sku="mug-blue", name="Other",
                                                            price_cents=1)
    assert "price_cents" in await mcp.error("products_create", sku="BAD", name="Bad", price_cents=-5)
    assert "sku" in await mcp.error("products_create", sku="has space", name="Bad", price_cents=5)
    updated = await mcp.call("products_update", product_id=mug["id"], price_cents=1_600, status="archived")
    assert (updated["price_cents"], updated["status"]) == (1_600, "archived")
    again = await mcp.call("products_update", product_id=mug["id"], price_cents=1_600)
    assert again == updated  # nothing changed, no second event
    assert await _events(app, "product.") == ["product.created", "product.updated"]
    assert "products_list shows them" in await mcp.error("products_update", product_id=999, name="Ghost")


async def test_list_filters_paginate_and_csv_export(mcp: McpHarness) -> None:
    await _product(mcp, "TEE-M", 2_400, 3, low_stock_threshold=5)
    await _product(mcp, "TEE-L", 2_400, 30)
    bag = await _product(mcp, "BAG", 1_900, 8, description='Canvas, "natural"')
    await mcp.call("products_update", product_id=bag["id"], status="archived")
    first = await mcp.call("products_list", limit=2)
    assert ([p["sku"] for p in first["items"]], first["total"]) == (["BAG", "TEE-L"], 3)
    assert [p["sku"] for p in (await mcp.call("products_list", limit=2, offset=2))["items"]] == ["TEE-M"]
    assert [p["sku"] for p in (await mcp.call("products_list", query="tee", status="active"))["items"]] == [
        "TEE-L", "TEE-M"]
    assert [p["sku"] for p in (await mcp.call("products_list", low_stock=True))["items"]] == ["TEE-M"]
    export = await mcp.call("products_export_csv")
    rows = list(csv.reader(io.StringIO(export["csv"])))
    assert export["rows"] == 3 and rows[0][:4] == ["sku", "name", "description", "price"]
    assert rows[1] == ["BAG", "Product BAG", 'Canvas, "natural"', "19.00", "EUR", "archived", "8", "5"]
    assert (await mcp.call("products_export_csv", status="active"))["rows"] == 2


async def test_stock_never_goes_negative_and_the_ledger_says_why(app: App, mcp: McpHarness) -> None:
    mug = await _product(mcp, "MUG", 1_000, 4, low_stock_threshold=2)
    refused = await mcp.error("products_adjust_stock", product_id=mug["id"], delta=-5, reason="damaged")
    assert "MUG has 4 in stock" in refused and "remove at most 4" in refused
    assert "restock adds units" in await mcp.error("products_adjust_stock", product_id=mug["id"], delta=-1,
                                                   reason="restock")
    assert "lost removes units" in await mcp.error("products_adjust_stock", product_id=mug["id"], delta=2,
                                                   reason="lost")
    assert "changes nothing" in await mcp.error("products_adjust_stock", product_id=mug["id"], delta=0,
                                                reason="correction")
    low = await mcp.call("products_adjust_stock", product_id=mug["id"], delta=-3, reason="damaged", note="dropped")
    assert (low["product"]["stock"], low["movement"]["stock_after"], low["movement"]["reason"]) == (1, 1, "damaged")
    await mcp.call("products_adjust_stock", product_id=mug["id"], delta=10, reason="restock", note="PO-17")
    ledger = await mcp.call("products_stock_ledger", product_id=mug["id"])
    assert [(m["delta"], m["reason"], m["note"]) for m in ledger["items"]] == [
        (10, "restock", "PO-17"), (-3, "damaged", "dropped"), (4, "initial", "opening stock")]
    assert (await mcp.call("products_stock_ledger", reason="restock"))["total"] == 1
    assert "no product with id 42" in await mcp.error("products_stock_ledger", product_id=42)
    assert await _events(app, "product.") == ["product.created", "product.stock_adjusted", "product.low_stock",
                                              "product.stock_adjusted"]


async def test_low_stock_report_uses_each_products_threshold(mcp: McpHarness) -> None:
    await _product(mcp, "A", 100, 0, low_stock_threshold=3)
    await _product(mcp, "B", 100, 4, low_stock_threshold=5)
    await _product(mcp, "C", 100, 6, low_stock_threshold=5)
    gone = await _product(mcp, "D", 100, 0, low_stock_threshold=9)
    await mcp.call("products_update", product_id=gone["id"], status="archived")
    report = await mcp.call("products_low_stock")
    assert [(i["sku"], i["below_threshold_by"]) for i in report["items"]] == [("A", 3), ("B", 1)]
    assert report["out_of_stock"] == 1


# --- orders ---------------------------------------------------------------------------------------------


async def test_placing_captures_prices_and_reserves_stock(app: App, mcp: McpHarness) -> None:
    mug = await _product(mcp, "MUG", 1_450, 10)
    await _product(mcp, "TEE", 2_400, 5)
    order = await _order(mcp, ("MUG", 2), ("tee", 1), ("MUG", 1))
    assert (order["number"], order["status"], order["subtotal_cents"], order["total_cents"]) == (
        "ORD-00001", "pending", 3 * 1_450 + 2_400, 6_750)
    assert [(ln["sku"], ln["quantity"], ln["line_total_cents"]) for ln in order["lines"]] == [
        ("MUG", 3, 4_350), ("TEE", 1, 2_400)]
    assert await _stock(mcp) == {"MUG": 7, "TEE": 4}
    await mcp.call("products_update", product_id=mug["id"], price_cents=9_999)
    listed = await mcp.call("orders_list", sku="mug")
    assert listed["total"] == 1 and listed["items"][0]["lines"][0]["unit_price_cents"] == 1_450
    sale = (await mcp.call("products_stock_ledger", product_id=mug["id"], reason="sale"))["items"][0]
    assert (sale["delta"], sale["note"]) == (-3, "ORD-00001")
    assert await _events(app, "order.") == ["order.created"]


async def test_an_order_short_of_stock_is_refused_whole_and_writes_nothing(app: App, mcp: McpHarness) -> None:
    await _product(mcp, "MUG", 1_450, 10)
    await _product(mcp, "TEE", 2_400, 1)
    await _product(mcp, "BAG", 1_900, 0)
    before = (await _stock(mcp), await app.store.fetchval("SELECT COUNT(*) FROM products_stock_movements"),
              await app.store.fetchval("SELECT COUNT(*) FROM events"))
    message = await mcp.error("orders_place", customer="Ada Shop", customer_email="ada@shop.example",
                              lines=[{"sku": "MUG", "quantity": 2}, {"sku": "TEE", "quantity": 3},
                                     {"sku": "BAG", "quantity": 1}])
    assert "nothing was ordered" in message
    assert "TEE needs 3, 1 in stock (short 2)" in message and "BAG needs 1, 0 in stock (short 1)" in message
    assert "MUG" not in message
    after = (await _stock(mcp), await app.store.fetchval("SELECT COUNT(*) FROM products_stock_movements"),
             await app.store.fetchval("SELECT COUNT(*) FROM events"))
    assert after == before
    assert await app.store.fetchval("SELECT COUNT(*) FROM orders") == 0
    assert await app.store.fetchval("SELECT COUNT(*) FROM orders_lines") == 0
    assert "no product with SKU NOPE" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                                                         lines=[{"sku": "nope", "quantity": 1}])
    assert "lines" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example", lines=[])


async def test_archived_and_mixed_currency_lines_are_refused(mcp: McpHarness) -> None:
    old = await _product(mcp, "OLD", 500, 5)
    await _product(mcp, "USD-CAP", 900, 5, currency="USD")
    await _product(mcp, "EUR-CAP", 900, 5)
    await mcp.call("products_update", product_id=old["id"], status="archived")
    assert "OLD is archived" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                                                lines=[{"sku": "OLD", "quantity": 1}])
    assert "mix EUR, USD" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                                             lines=[{"sku": "USD-CAP", "quantity": 1},
                                                    {"sku": "EUR-CAP", "quantity": 1}])


async def test_discount_rules_are_enforced_with_clear_errors(mcp: McpHarness, clock: FakeClock) -> None:
    await _product(mcp, "MUG", 1_000, 100)
    await _product(mcp, "CAP", 1_000, 10, currency="USD")
    ten = await mcp.call("orders_create_discount", confirm=True, code="ten", kind="percent", value=10,
                         min_order_cents=3_000, valid_until="2026-11-30", max_redemptions=2)
    assert (ten["code"], ten["redemptions"]) == ("TEN", 0)
    assert "already exists" in await mcp.error("orders_create_discount", confirm=True, code="TEN", kind="fixed",
                                               value=100)
    assert "at most 100" in await mcp.error("orders_create_discount", confirm=True, code="BIG", kind="percent",
                                            value=150)
    assert "before valid_from" in await mcp.error("orders_create_discount", confirm=True, code="BACK", kind="fixed",
                                                  value=100, valid_from="2026-12-10", valid_until="2026-12-01")
    await mcp.call("orders_create_discount", confirm=True, code="FIVER", kind="fixed", value=500,
                   valid_from="2026-12-01")
    await mcp.call("orders_create_discount", confirm=True, code="HUGE", kind="fixed", value=99_999)
    assert "no discount code NOPE" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                                                      lines=[{"sku": "MUG", "quantity": 3}], discount_code="nope")
    small = await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                            lines=[{"sku": "MUG", "quantity": 2}], discount_code="TEN")
    assert "at least EUR 30.00; this order is EUR 20.00 (add EUR 10.00 more)" in small
    assert "is in EUR; this order is in USD" in await mcp.error("orders_place", customer="Ada",
                                                                customer_email="a@b.example",
                                                                lines=[{"sku": "CAP", "quantity": 5}],
                                                                discount_code="TEN")
    assert "not valid yet: it starts on 2026-12-01" in await mcp.error(
        "orders_place", customer="Ada", customer_email="a@b.example", lines=[{"sku": "MUG", "quantity": 1}],
        discount_code="FIVER")
    first = await _order(mcp, ("MUG", 3), discount_code="ten")
    assert (first["discount_code"], first["discount_cents"], first["total_cents"]) == ("TEN", 300, 2_700)
    capped = await _order(mcp, ("MUG", 1), discount_code="HUGE")
    assert (capped["discount_cents"], capped["total_cents"]) == (1_000, 0)  # never below zero
    second = await _order(mcp, ("MUG", 4), discount_code="TEN")
    assert "used up: redeemed 2 of 2 times" in await mcp.error(
        "orders_place", customer="Ada", customer_email="a@b.example", lines=[{"sku": "MUG", "quantity": 5}],
        discount_code="TEN")
    await mcp.call("orders_cancel", order_id=second["id"], reason="customer changed mind", confirm=True)
    third = await _order(mcp, ("MUG", 5), discount_code="TEN")  # the cancelled order freed its redemption
    assert third["discount_cents"] == 500
    clock.advance(days=30)  # 2026-12-02, past valid_until
    await mcp.call("orders_cancel", order_id=third["id"], reason="test", confirm=True)
    assert "expired on 2026-11-30" in await mcp.error("orders_place", customer="Ada", customer_email="a@b.example",
                                                      lines=[{"sku": "MUG", "quantity": 5}], discount_code="TEN")


async def test_state_machine_and_events(app: App, mcp: McpHarness) -> None:
    await _product(mcp, "MUG", 1_000, 10)
    order = await _order(mcp, ("MUG", 2))
    refused = await mcp.error("orders_advance", order_id=order["id"], to="fulfilled")
    assert "is pending; it cannot move to fulfilled" in refused and "Allowed: cancelled, paid" in refused
    assert "cancel it with orders_cancel" in await mcp.error("orders_refund", order_id=order["id"], reason="oops",
                                                             confirm=True)
    assert "payment_reference goes with to=paid" in await mcp.error("orders_advance", order_id=order["id"],
                                                                    to="fulfilled", payment_reference="X")
    paid = await mcp.call("orders_advance", order_id=order["id"], to="paid", payment_reference="SEPA-991")
    assert (paid["status"], paid["payment_reference"], paid["paid_at"]) == ("paid", "SEPA-991",
                                                                            "2026-11-02T09:00:00+00:00")
    done = await mcp.call("orders_advance", order_id=order["id"], to="fulfilled")
    assert done["status"] == "fulfilled" and done["fulfilled_at"]
    final = await mcp.error("orders_cancel", order_id=order["id"], reason="too late", confirm=True)
    assert "is fulfilled; it cannot move to cancelled" in final and "none (final)" in final
    assert "cannot move to refunded" in await mcp.error("orders_refund", order_id=order["id"], reason="broken",
                                                       confirm=True)
    assert await _events(app, "order.") == ["order.created", "order.paid", "order.fulfilled"]
    assert "orders_list shows them" in await mcp.error("orders_advance", order_id=404, to="paid")
    assert [o["number"] for o in (await mcp.call("orders_list", status="fulfilled"))["items"]] == [order["number"]]


async def test_cancel_and_refund_give_stock_back(app: App, mcp: McpHarness) -> None:
    mug = await _product(mcp, "MUG", 1_000, 10)
    pending = await _order(mcp, ("MUG", 3))
    assert "confirmation_required" in await mcp.error("orders_cancel", order_id=pending["id"], reason="dup")
    cancelled = await mcp.call("orders_cancel", order_id=pending["id"], reason="duplicate order", confirm=True)
    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "duplicate order")
    assert await _stock(mcp) == {"MUG": 10}
    assert "cancelled; it cannot move to paid" in await mcp.error("orders_advance", order_id=pending["id"], to="paid")
    paid = await _order(mcp, ("MUG", 4))
    await mcp.call("orders_advance", order_id=paid["id"], to="paid")
    assert await _stock(mcp) == {"MUG": 6}
    assert "confirmation_required" in await mcp.error("orders_refund", order_id=paid["id"], reason="damaged")
    refunded = await mcp.call("orders_refund", order_id=paid["id"], reason="arrived damaged", confirm=True)
    assert (refunded["status"], refunded["refunded_at"]) == ("refunded", "2026-11-02T09:00:00+00:00")
    assert await _stock(mcp) == {"MUG": 10}
    assert "refunded; it cannot move to refunded" in await mcp.error("orders_refund", order_id=paid["id"],
                                                                    reason="again", confirm=True)
    ledger = await mcp.call("products_stock_ledger", product_id=mug["id"])
    assert [(m["reason"], m["delta"]) for m in ledger["items"][:2]] == [("order_refunded", 4), ("sale", -4)]
    assert await _events(app, "order.") == ["order.created", "order.cancelled", "order.created", "order.paid",
                                            "order.refunded"]
    paid_then_cancelled = await _order(mcp, ("MUG", 2))
    await mcp.call("orders_advance", order_id=paid_then_cancelled["id"], to="paid")
    await mcp.call("orders_cancel", order_id=paid_then_cancelled["id"], reason="out of delivery area", confirm=True)
    assert await _stock(mcp) == {"MUG": 10}


async def test_sales_summary_over_a_date_range(mcp: McpHarness, clock: FakeClock) -> None:
    await _product(mcp, "MUG", 1_000, 100)
    await _product(mcp, "TEE", 2_500, 100)
    await mcp.call("orders_create_discount", confirm=True, code="HALF", kind="percent", value=50)
    a = await _order(mcp, ("MUG", 2), ("TEE", 1))                   # 4_500
    b = await _order(mcp, ("TEE", 2), discount_code="HALF")         # 5_000 - 2_500 = 2_500
    c = await _order(mcp, ("MUG", 1))                               # refunded: not revenue
    await _order(mcp, ("MUG", 9))                                   # pending: not revenue
    for order in (a, b, c):
        await mcp.call("orders_advance", order_id=order["id"], to="paid")
    await mcp.call("orders_refund", order_id=c["id"], reason="wrong size", confirm=True)
    clock.advance(days=40)
    late = await _order(mcp, ("MUG", 1))
    await mcp.call("orders_advance", order_id=late["id"], to="paid")
    summary = await mcp.call("orders_sales_summary", date_from="2026-11-01", date_to="2026-11-30")
    assert (summary["order_count"], summary["revenue_cents"], summary["discount_cents"]) == (2, 7_000, 2_500)
    assert summary["average_order_cents"] == 3_500
    assert (summary["refunded_count"], summary["refunded_cents"]) == (1, 1_000)
    assert [(p["sku"], p["quantity"], p["revenue_cents"]) for p in summary["top_products"]] == [
        ("TEE", 3, 7_500), ("MUG", 2, 2_000)]
    recent = await mcp.call("orders_sales_summary", top=1)  # default: the 30 days up to 2026-12-12
    assert (recent["date_from"], recent["date_to"], recent["order_count"]) == ("2026-11-13", "2026-12-12", 1)
    assert [p["sku"] for p in recent["top_products"]] == ["MUG"]
    empty = await mcp.call("orders_sales_summary", currency="USD")
    assert (empty["order_count"], empty["average_order_cents"], empty["top_products"]) == (0, 0, [])
    assert "after date_to" in await mcp.error("orders_sales_summary", date_from="2026-12-01", date_to="2026-11-01")
    placed = await mcp.call("orders_list", placed_from="2026-12-01", query="ada")
    assert [o["id"] for o in placed["items"]] == [late["id"]]


async def test_the_automation_cancels_stale_unpaid_orders(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    automation = await app.store.fetchone("SELECT trigger, skill FROM automations WHERE module_id = 'orders'")
    assert automation == {"trigger": "cron", "skill": "orders_cancel_unpaid"}
    await _product(mcp, "MUG", 1_000, 10)
    stale = await _order(mcp, ("MUG", 3))
    paid = await _order(mcp, ("MUG", 2))
    await mcp.call("orders_advance", order_id=paid["id"], to="paid")
    clock.advance(days=5)
    fresh = await _order(mcp, ("MUG", 1))
    assert (await mcp.call("orders_cancel_unpaid", confirm=True))["cancelled"] == []
    clock.advance(days=3)  # stale is 8 days old, fresh 3: the default is 7 days
    swept = await mcp.call("orders_cancel_unpaid", confirm=True)
    assert (swept["cutoff_days"], swept["cancelled"]) == (7, [stale["number"]])
    assert (await mcp.call("orders_cancel_unpaid", confirm=True))["cancelled"] == []  # running again changes nothing
    assert await _stock(mcp) == {"MUG": 7}  # 3 back from the stale order; paid and fresh keep theirs
    reason = (await mcp.call("orders_list", status="cancelled"))["items"][0]["reason"]
    assert reason == "unpaid after 7 days"
    await app.modules.configure("orders", {"unpaid_cancel_days": 2})
    assert (await mcp.call("orders_cancel_unpaid", confirm=True))["cancelled"] == [fresh["number"]]
    # A bad value is refused when it is configured, not when the automation runs at 03:30.
    with pytest.raises(ModuleError, match=r"setting unpaid_cancel_days: Input should be a valid integer.*got 'soon'"):
        await app.modules.configure("orders", {"unpaid_cancel_days": "soon"})
    assert (await app.modules.settings("orders"))["unpaid_cancel_days"] == 2


async def test_seed_demo_gives_a_catalog_a_code_and_orders(app: App, mcp: McpHarness) -> None:
    seeded, _ = await seed_demo(app)
    assert {"products", "orders"} <= set(seeded)
    assert (await mcp.call("products_list"))["total"] == 4
    orders = (await mcp.call("orders_list"))["items"]
    assert sorted(o["status"] for o in orders) == ["paid", "pending"]
    assert any(o["discount_code"] == "WELCOME10" for o in orders)
    assert [i["sku"] for i in (await mcp.call("products_low_stock"))["items"]] == ["POSTER-A2", "TEE-LOGO-M"]
