"""Products: the catalog (unique SKUs, prices, archive), stock with a movement ledger that never
goes negative, a low-stock report and a CSV export."""

from modules.products import catalog, demo, stock
from modules.products.schema import MIGRATIONS
from skills import Module

module = Module(
    id="products",
    name="Products",
    description="Product catalog with unique SKUs and prices, stock ledger, low-stock report and CSV export.",
    category="commerce",
    version="1.0.0",
    skills=(catalog.create, catalog.update, catalog.list_products, catalog.export_csv, stock.adjust_stock,
            stock.stock_ledger, stock.low_stock),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
