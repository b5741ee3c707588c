"""Purchasing: the models its skills return."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from skills import Page, Record


class OrderSummary(Record):
    id: int
    vendor_id: int
    vendor: str
    status: str
    total_cents: int
    units_ordered: int
    units_received: int
    created_at: str


class OrderPage(Page[OrderSummary]):
    pass


class Vendor(Record):
    id: int
    name: str
    email: str | None


class LineIn(Record):
    description: Annotated[str, Field(min_length=2)]
    quantity: Annotated[int, Field(ge=1)]
    unit_cost_cents: Annotated[int, Field(ge=0)]
    sku: str | None = None


class Line(LineIn):
    id: int
    received: int


class PurchaseOrder(Record):
    id: int
    vendor_id: int
    status: str
    total_cents: int
    lines: list[Line]


class VendorSpend(Record):
    vendor: str
    orders: int
    spend_cents: int


class SpendReport(Record):
    vendors: list[VendorSpend]
