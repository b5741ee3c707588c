"""The catalog: create and edit products, archive them, list and export as CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from pydantic import Field

from modules.products.model import COLUMNS, SKU, CsvExport, Product, ProductPage, load, move_stock
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill
from skills.formats import CURRENCY

Status = Literal["active", "archived"]
CSV_HEADER = ("sku", "name", "description", "price", "currency", "status", "stock", "low_stock_threshold")


@skill(title="Create product",
       examples=("add an item to the shop", "new product for sale"),
       synonyms=("item", "article", "sku", "shop"),
       instructions="""
    Adds a product to the catalog. The SKU is its identity: unique (case-insensitive), letters,
    digits, '.', '_' or '-'. Prices are in cents in one ISO currency. Opening stock is recorded in
    the stock ledger (reason `initial`). The low-stock threshold drives products_low_stock.
    Emits `product.created`.
    """)
async def create(
    ctx: SkillContext,
    sku: Annotated[str, Field(pattern=SKU)],
    name: Annotated[str, Field(min_length=2, max_length=160)],
    price_cents: Annotated[int, Field(ge=0, le=100_000_000)],
    currency: Annotated[str, Field(pattern=CURRENCY)] = "EUR",
    description: Annotated[str, Field(max_length=2000)] = "",
    initial_stock: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
    low_stock_threshold: Annotated[int, Field(ge=0, le=1_000_000)] = 5,
) -> Product:
    """Add a product to the catalog. Use when a new item is sold; NOT for changing stock (products_adjust_stock).

    Args:
        sku: Stock keeping unit, unique, e.g. MUG-BLUE.
        name: Product name shown to customers.
        price_cents: Unit price in cents.
        currency: ISO 4217 currency code.
        description: Longer description.
        initial_stock: Units on hand now.
        low_stock_threshold: Report the product as low when stock is at or below this.
    """
    existing = await ctx.db.fetchone("SELECT id, sku FROM products WHERE sku = ? COLLATE NOCASE", (sku,))
    if existing:
        raise SkillFailed(f"SKU {existing['sku']} already exists (product {existing['id']}); choose another SKU "
                          "or edit that product with products_update")
    now = ctx.now_iso()
    result = await ctx.db.execute(
        "INSERT INTO products (sku, name, description, price_cents, currency, status, stock, low_stock_threshold, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', 0, ?, ?, ?)",
        (sku, name, description, price_cents, currency, low_stock_threshold, now, now))
    product_id = result.lastrowid or 0
    if initial_stock:
        await move_stock(ctx, product_id, initial_stock, "initial", "opening stock")
    await ctx.emit("product.created", {"id": product_id, "sku": sku, "price_cents": price_cents})
    return await load(ctx, product_id)


@skill(title="Update product",
       examples=("change a product's price", "archive a product"),
       synonyms=("price", "edit", "rename"),
       idempotent=True, instructions="""
    Changes name, description, price, low-stock threshold or status of a product; omitted fields stay
    as they are. `archived` hides a product from new orders (existing orders keep their captured
    price); `active` brings it back. The SKU and currency never change: create a new product instead.
    Stock is not edited here (products_adjust_stock keeps the ledger). Emits `product.updated`.
    """)
async def update(
    ctx: SkillContext,
    product_id: int,
    name: Annotated[str | None, Field(min_length=2, max_length=160)] = None,
    description: Annotated[str | None, Field(max_length=2000)] = None,
    price_cents: Annotated[int | None, Field(ge=0, le=100_000_000)] = None,
    low_stock_threshold: Annotated[int | None, Field(ge=0, le=1_000_000)] = None,
    status: Status | None = None,
) -> Product:
    """Edit or archive a product. Use when details or price change; NOT for stock levels.

    Args:
        product_id: The product.
        name: New name.
        description: New description.
        price_cents: New unit price in cents (applies to new orders only).
        low_stock_threshold: New low-stock threshold.
        status: active or archived.
    """
    product = await load(ctx, product_id)
    changes = {k: v for k, v in (("name", name), ("description", description), ("price_cents", price_cents),
                                 ("low_stock_threshold", low_stock_threshold), ("status", status))
               if v is not None and getattr(product, k) != v}
    if not changes:
        ctx.set_outcome("no_effect")
        return product
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await ctx.db.execute(f"UPDATE products SET {assignments}, updated_at = ? WHERE id = ?",
                         (*changes.values(), ctx.now_iso(), product_id))
    await ctx.emit("product.updated", {"id": product_id, "sku": product.sku, "changed": sorted(changes)})
    return await load(ctx, product_id)


def _filters(status: Status | None, query: str | None, currency: str | None = None,
             low_stock: bool = False) -> Filters:
    filters = Filters().add("status = ?", status).add("currency = ?", currency).like(("sku", "name"), query)
    if low_stock:
        filters.add("stock <= low_stock_threshold")
    return filters


@skill(name="products_list", title="List products",
                             examples=("look up a product", "what do we sell", "price of an item"),
                             synonyms=("items", "catalog", "price", "sku", "shop"),
                             read_only=True, instructions="""
    Catalog search: filter by status, currency, a text query over SKU and name, and `low_stock`
    (stock at or below the product's threshold). Sorted by SKU, paginated with limit/offset;
    `total` counts all matches.
    """)
async def list_products(
    ctx: SkillContext,
    status: Status | None = None,
    query: str | None = None,
    currency: str | None = None,
    low_stock: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> ProductPage:
    """List catalog products with filters. Use when looking up SKUs, prices or stock; NOT for the stock ledger.

    Args:
        status: Only active or only archived products.
        query: Text to match in SKU or name.
        currency: Only products priced in this currency.
        low_stock: Only products at or below their low-stock threshold.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, ProductPage, select=COLUMNS, from_="products", filters=_filters(status, query, currency, low_stock),
        order_by="sku COLLATE NOCASE", limit=limit, offset=offset)


@skill(title="Export catalog (CSV)",
       examples=("product feed for a marketplace", "download the catalog"),
       synonyms=("feed", "spreadsheet", "download", "catalog"),
       read_only=True,
       instructions="""
       The catalog (or only active / archived products) as CSV with a header row: sku, name,
       description, price (decimal, e.g. 12.50), currency, status, stock, low_stock_threshold.
       Quoting follows RFC 4180, so spreadsheets open it as is.
       """)
async def export_csv(ctx: SkillContext, status: Status | None = None) -> CsvExport:
    """Export the catalog as CSV text. Use when a spreadsheet or shop feed needs it; NOT for browsing.

    Args:
        status: Only active or only archived products; all when omitted.
    """
    filters = _filters(status, None)
    rows = await ctx.db.fetchall(f"SELECT {COLUMNS} FROM products{filters.where} ORDER BY sku COLLATE NOCASE",
                                 filters.params)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow((r["sku"], r["name"], r["description"], f"{r['price_cents'] / 100:.2f}", r["currency"],
                         r["status"], r["stock"], r["low_stock_threshold"]))
    return CsvExport(rows=len(rows), csv=out.getvalue())
