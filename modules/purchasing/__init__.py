"""Purchasing: vendors, purchase orders with line-by-line receiving, spend per vendor."""

from modules.purchasing import demo, listing, orders
from modules.purchasing.schema import MIGRATIONS
from skills import Module

module = Module(
    id="purchasing",
    name="Purchasing",
    description="Vendors and purchase orders: approve-to-send, partial receiving into stock, spend per vendor.",
    category="commerce",
    version="1.0.0",
    requires=("email",),
    skills=(orders.add_vendor, orders.create_order, orders.send_order, orders.receive, orders.cancel_order,
            listing.list_orders, orders.spend_by_vendor),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
