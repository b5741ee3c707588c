"""Products: the catalog (unique SKUs, prices, archive), stock with a movement ledger that never
goes negative, a low-stock report and a CSV export."""

from modules.products import catalog, stock
from modules.products.model import move_stock
from skills import Migration, Module, SkillContext

DEMO = (("MUG-BLUE", "Blue enamel mug", "Camp mug, 350 ml.", 1_450, 40, 10),
        ("TEE-LOGO-M", "Logo T-shirt (M)", "Organic cotton, medium.", 2_400, 6, 8),
        ("BAG-CANVAS", "Canvas tote bag", "Heavy canvas, natural.", 1_900, 25, 5),
        ("POSTER-A2", "Harbour poster A2", "Risograph print.", 3_200, 0, 3))


async def seed_demo(ctx: SkillContext) -> None:
    now = ctx.now_iso()
    for sku, name, description, price, on_hand, threshold in DEMO:
        result = await ctx.db.execute(
            "INSERT INTO products (sku, name, description, price_cents, currency, status, stock, low_stock_threshold,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'EUR', 'active', 0, ?, ?, ?)",
            (sku, name, description, price, threshold, now, now))
        if on_hand:
            await move_stock(ctx, result.lastrowid or 0, on_hand, "initial", "demo opening stock")


module = Module(
    id="products",
    name="Products",
    description="Product catalog with unique SKUs and prices, stock ledger, low-stock report and CSV export.",
    category="commerce",
    version="1.0.0",
    skills=(catalog.create, catalog.update, catalog.list_products, catalog.export_csv, stock.adjust_stock,
            stock.stock_ledger, stock.low_stock),
    migrations=(Migration(1, """
        CREATE TABLE products (
            id INTEGER PRIMARY KEY,
            sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
            currency TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
            stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
            low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE products_stock_movements (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id),
            delta INTEGER NOT NULL CHECK (delta != 0),
            stock_after INTEGER NOT NULL CHECK (stock_after >= 0),
            reason TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX products_stock_movements_product ON products_stock_movements (product_id, id);
    """),),
    seed_demo=seed_demo,
)
