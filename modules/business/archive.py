"""The archive of documents that went out: each PDF kept byte for byte as it was sent.

``issue`` renders a sheet and stores it once per source (``invoice:7``); a second issue of the
same source is refused, and nothing updates an issued row (the upsert's WHERE touches previews
only), so a sent document never changes: a correction is a new document (a credit note).
``preview`` keeps the latest rendering of a draft, replaced in place each time. Every document
has a ``pilothouse://documents/<id>/<file name>`` address, which MCP clients read as a resource
and ``pilothouse call ... --out`` writes to a file.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import Field

from modules.business.model import DocumentFile, DocumentInfo, DocumentPage
from modules.business.pdf import render
from modules.business.sheet import Sheet
from skills import Filters, NotFound, Row, SkillContext, SkillFailed, fetch_page, skill
from skills.context import Database
from skills.files import FileLink

URI_PREFIX = "pilothouse://documents/"
MIME = "application/pdf"
COLUMNS = "id, kind, number, status, recipient, filename, size, sha256, created_at"


def uri(document_id: int, filename: str) -> str:
    return f"{URI_PREFIX}{document_id}/{filename}"


def _info(row: Row) -> DocumentInfo:
    return DocumentInfo(**{k: row[k] for k in COLUMNS.split(", ")}, uri=uri(row["id"], row["filename"]))


def as_file(info: DocumentInfo) -> DocumentFile:
    return DocumentFile(document=info, file=FileLink(uri=info.uri, name=info.filename, mime_type=MIME,
                                                     size=info.size, sha256=info.sha256))


async def _store(db: Database, sheet: Sheet, source: str, status: str, now: str) -> DocumentInfo:
    """Insert the rendering; a preview takes the place of the source's previous one (same id, new bytes)."""
    content = render(sheet)
    values = (sheet.kind, sheet.number, sheet.recipient, sheet.filename, MIME, len(content),
              hashlib.sha256(content).hexdigest(), content, now)
    await db.execute(
        "INSERT INTO business_documents (source, status, kind, number, recipient, filename, mime_type, size, sha256, "
        "content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, status) DO UPDATE SET "
        "kind = excluded.kind, number = excluded.number, recipient = excluded.recipient, "
        "filename = excluded.filename, size = excluded.size, sha256 = excluded.sha256, content = excluded.content, "
        "created_at = excluded.created_at WHERE business_documents.status = 'preview'", (source, status, *values))
    row = await db.fetchone(f"SELECT {COLUMNS} FROM business_documents WHERE source = ? AND status = ?",
                            (source, status))
    assert row is not None
    return _info(row)


async def issue(ctx: SkillContext, sheet: Sheet, source: str) -> DocumentInfo:
    """Render and keep the document that goes out for ``source``, once; call it in the transaction that
    numbers it, so a failed rendering takes the number back with it."""
    if sheet.number is None:
        raise SkillFailed("a document goes out with its number; number it before issuing")
    if await issued(ctx.db, source) is not None:
        raise SkillFailed(f"{source} was already issued, and a sent document is never changed; issue a "
                          "credit note to correct an invoice")
    return await _store(ctx.db, sheet, source, "issued", ctx.now_iso())


async def preview(ctx: SkillContext, sheet: Sheet, source: str) -> DocumentInfo:
    """The draft's rendering, replacing its previous preview."""
    return await _store(ctx.db, sheet, source, "preview", ctx.now_iso())


async def issued(db: Database, source: str) -> DocumentInfo | None:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM business_documents WHERE source = ? AND status = 'issued'",
                            (source,))
    return _info(row) if row else None


async def count_issued(db: Database, source_prefix: str) -> int:
    """How many documents were issued for sources starting with ``source_prefix`` (reminders of one invoice)."""
    return int(await db.fetchval("SELECT COUNT(*) FROM business_documents WHERE status = 'issued' AND "
                                 "substr(source, 1, ?) = ?", (len(source_prefix), source_prefix)))


async def info(db: Database, document_id: int) -> DocumentInfo:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM business_documents WHERE id = ?", (document_id,))
    if row is None:
        raise NotFound(f"no document with id {document_id}; business_documents_list shows them")
    return _info(row)


async def content(db: Database, document_id: int) -> tuple[DocumentInfo, bytes]:
    """A document and its bytes (the attachment, the resource, the file the CLI writes)."""
    document = await info(db, document_id)
    data = await db.fetchval("SELECT content FROM business_documents WHERE id = ?", (document_id,))
    return document, bytes(data)


async def read_uri(db: Database, address: str) -> tuple[DocumentInfo, bytes]:
    """The document a ``pilothouse://documents/<id>/<name>`` address names; NotFound for any other."""
    head, _, name = address.removeprefix(URI_PREFIX).partition("/")
    if not address.startswith(URI_PREFIX) or not head.isdigit():
        raise NotFound(f"{address} is not a document address; business_documents_list shows them")
    document, data = await content(db, int(head))
    if name != document.filename:
        raise NotFound(f"{address} names no document; document {head} is {document.uri}")
    return document, data


@skill(title="List issued documents",
       examples=("which invoices did we send as PDF", "find the credit note document",
                 "documents for the accountant"),
       synonyms=("pdf", "archive", "paperwork", "documents"),
       read_only=True, instructions="""
    Every PDF that went out (invoices, credit notes, quotes, payment reminders) with its number,
    recipient, size and SHA-256, newest first; `status` preview lists the latest draft renderings
    instead. Each has a `uri`: read it as an MCP resource, or get the file with business_document_get.
    """)
async def documents_list(
    ctx: SkillContext,
    kind: Literal["invoice", "credit_note", "quote", "reminder"] | None = None,
    number: Annotated[str | None, Field(max_length=60)] = None,
    status: Literal["issued", "preview"] = "issued",
    limit: int = 50, offset: int = 0,
) -> DocumentPage:
    """List the documents that went out (or draft previews), newest first.

    Args:
        kind: Only this kind of document.
        number: Text to match in the document number, e.g. INV-2026.
        status: issued (sent documents) or preview (draft renderings).
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("kind = ?", kind).add("status = ?", status).like(("number",), number)
    return await fetch_page(ctx.db, DocumentPage, select=COLUMNS, from_="business_documents", filters=filters,
                            order_by="id DESC", limit=limit, offset=offset, item=_info)


@skill(title="Get a document",
       examples=("give me the PDF of invoice INV-2026-0001", "download the credit note", "send me the quote pdf"),
       synonyms=("pdf", "download", "file", "attachment", "copy"),
       read_only=True, instructions="""
    One issued document by id or number, as a file: over MCP a resource link to the PDF (read it with
    resources/read), from the CLI `pilothouse call business_document_get --args '{"number": "..."}'
    --out invoice.pdf`. The bytes are exactly those sent to the customer (compare the SHA-256).
    """)
async def document_get(ctx: SkillContext, document_id: int | None = None,
                       number: Annotated[str | None, Field(max_length=60)] = None) -> DocumentFile:
    """Get one sent document (invoice, credit note, quote, reminder) as a PDF file.

    Args:
        document_id: The document's id (business_documents_list).
        number: Or its number, e.g. INV-2026-0001 or CN-2026-0001.
    """
    if (document_id is None) == (number is None):
        raise SkillFailed("give either document_id or number")
    if number is not None:
        document_id = await ctx.db.fetchval("SELECT MAX(id) FROM business_documents WHERE number = ? AND "
                                            "status = 'issued'", (number,))
        if document_id is None:
            raise NotFound(f"no issued document numbered {number}; business_documents_list shows them")
    assert document_id is not None
    return as_file(await info(ctx.db, document_id))
