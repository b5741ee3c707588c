"""Orders: lines priced at order time, atomic stock reservation, discount codes, the state machine
pending -> paid -> fulfilled (or cancelled / refunded, giving stock back) and a sales summary."""

from datetime import timedelta

from modules.orders import discounts, lifecycle, placing, reports
from modules.orders.model import LineIn, set_status
from skills import Automation, Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    """A welcome code and two orders (one paid with it, one still pending) on the products demo catalog."""
    today = ctx.now().date()
    await ctx.db.execute(
        "INSERT INTO orders_discount_codes (code, kind, value, currency, min_order_cents, valid_from, valid_until, "
        "max_redemptions, created_at) VALUES ('WELCOME10', 'percent', 10, 'EUR', 2000, ?, ?, 100, ?)",
        (today.isoformat(), (today + timedelta(days=60)).isoformat(), ctx.now_iso()))
    paid = await placing.place_order(ctx, "Blue Harbor Studio", "shop@blueharbor.example",
                                     [LineIn(sku="MUG-BLUE", quantity=4), LineIn(sku="BAG-CANVAS", quantity=2)],
                                     "WELCOME10")
    await set_status(ctx, paid, "paid", "paid_at")
    await ctx.emit("order.paid", {"id": paid.id, "number": paid.number, "total_cents": paid.total_cents})
    await placing.place_order(ctx, "Li Wei", "li@kestrel.example", [LineIn(sku="TEE-LOGO-M", quantity=1)])


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
    migrations=(Migration(1, """
        CREATE TABLE orders_discount_codes (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
            value INTEGER NOT NULL CHECK (value > 0),
            currency TEXT NOT NULL,
            min_order_cents INTEGER NOT NULL DEFAULT 0,
            valid_from TEXT,
            valid_until TEXT,
            max_redemptions INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL,
            customer TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'fulfilled', 'cancelled', 'refunded')),
            currency TEXT NOT NULL,
            subtotal_cents INTEGER NOT NULL CHECK (subtotal_cents >= 0),
            discount_code_id INTEGER REFERENCES orders_discount_codes(id),
            discount_code TEXT,
            discount_cents INTEGER NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
            total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
            payment_reference TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            paid_at TEXT,
            fulfilled_at TEXT,
            cancelled_at TEXT,
            refunded_at TEXT
        );
        CREATE INDEX orders_status_created ON orders (status, created_at);
        CREATE TABLE orders_lines (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders(id),
            product_id INTEGER NOT NULL REFERENCES products(id),
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)
        );
        CREATE INDEX orders_lines_order ON orders_lines (order_id);
    """),),
    seed_demo=seed_demo,
)
