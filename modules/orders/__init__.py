"""Orders: lines priced at order time, atomic stock reservation, discount codes, the state machine
pending -> paid -> fulfilled (or cancelled / refunded, giving stock back) and a sales summary."""

from modules.orders import demo, discounts, lifecycle, placing, reports
from modules.orders.schema import MIGRATIONS
from modules.orders.settings import OrderSettings
from skills import Automation, Module

module = Module(
    id="orders",
    name="Orders",
    description="Orders with captured prices, atomic stock reservation, discount codes, refunds and sales summary.",
    category="commerce",
    version="1.0.0",
    requires=("products",),
    skills=(placing.place, lifecycle.advance, lifecycle.cancel, lifecycle.refund, discounts.create_discount,
            reports.list_orders, reports.sales_summary, lifecycle.cancel_unpaid),
    automations=(Automation(name="Cancel unpaid orders", trigger="cron", config={"schedule": "30 3 * * *"},
                            skill="orders_cancel_unpaid",
                            description="Cancel pending orders unpaid for longer than the unpaid_cancel_days setting "
                                        "and return their stock."),),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
    settings=OrderSettings,
)
