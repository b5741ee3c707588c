"""Purchasing: vendors, purchase orders with line-by-line receiving, spend per vendor."""

from modules.purchasing import demo, listing, orders
from skills import Migration, Module

module = Module(
    id="purchasing",
    name="Purchasing",
    description="Vendors and purchase orders: approve-to-send, partial receiving into stock, spend per vendor.",
    category="commerce",
    version="1.0.0",
    requires=("email",),
    skills=(orders.add_vendor, orders.create_order, orders.send_order, orders.receive, orders.cancel_order,
            listing.list_orders, orders.spend_by_vendor),
    migrations=(Migration(1, """
        CREATE TABLE purchasing_vendors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            email TEXT
        );
        CREATE TABLE purchasing_orders (
            id INTEGER PRIMARY KEY,
            vendor_id INTEGER NOT NULL REFERENCES purchasing_vendors(id),
            status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'partially_received', 'received', 'cancelled')),
            created_at TEXT NOT NULL
        );
        CREATE TABLE purchasing_lines (
            id INTEGER PRIMARY KEY,
            po_id INTEGER NOT NULL REFERENCES purchasing_orders(id),
            description TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            unit_cost_cents INTEGER NOT NULL,
            sku TEXT,
            received INTEGER NOT NULL DEFAULT 0
        );
    """),),
    seed_demo=demo.seed,
)
