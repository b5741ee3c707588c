"""The media library: assets with type, size, alt text and tags; an accessibility report."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field

from modules.media.model import AltReport, Asset, AssetPage
from skills import Filters, Row, SkillContext, SkillFailed, fetch_one, fetch_page, skill

MIME = r"^(image|video|audio|application|text)/[a-z0-9.+-]+$"
MAX_BYTES = 200 * 1024 * 1024


def _asset(row: Row) -> Asset:
    return Asset(**{**row, "tags": json.loads(row["tags"])})


async def _fetch(ctx: SkillContext, asset_id: int) -> Asset:
    row = await fetch_one(
        ctx.db, "SELECT * FROM media_assets WHERE id = ?", (asset_id,),
        missing=f"no asset with id {asset_id}; media_list shows them")
    return _asset(row)


@skill(title="Register a media asset",
       examples=("add an image to the media library", "upload a video"),
       synonyms=("upload", "image", "photo", "picture", "file", "video"),
       instructions="""
    Adds a file to the library by its metadata: filename, MIME type, size (at most 200 MB) and, for
    images, alt text for screen readers. The file itself lives in your storage; this is its record.
    """)
async def register(
    ctx: SkillContext,
    filename: Annotated[str, Field(pattern=r"^[^/\\]{1,200}\.[A-Za-z0-9]{1,8}$")],
    mime_type: Annotated[str, Field(pattern=MIME)],
    size_bytes: Annotated[int, Field(gt=0)],
    alt_text: Annotated[str | None, Field(max_length=300)] = None,
    tags: list[str] | None = None,
) -> Asset:
    """Register a media file in the library.

    Args:
        filename: File name with extension, e.g. hero.jpg.
        mime_type: MIME type, e.g. image/jpeg.
        size_bytes: File size in bytes.
        alt_text: Description for screen readers (images).
        tags: Tags for finding it, e.g. ["homepage"].
    """
    if size_bytes > MAX_BYTES:
        raise SkillFailed(f"{size_bytes} bytes is over the 200 MB limit; compress the file or link to it")
    if await ctx.db.fetchone("SELECT 1 FROM media_assets WHERE filename = ?", (filename,)):
        raise SkillFailed(f"{filename} is already in the library; rename the file")
    result = await ctx.db.execute(
        "INSERT INTO media_assets (filename, mime_type, size_bytes, alt_text, tags, uploaded_at) VALUES "
        "(?, ?, ?, ?, ?, ?)", (filename, mime_type, size_bytes, alt_text,
                               json.dumps(sorted({t.lower() for t in tags or []})), ctx.now_iso()))
    return await _fetch(ctx, result.lastrowid or 0)


@skill(name="media_list", title="List media",
                          examples=("what images do we have", "find the videos tagged product"),
                          synonyms=("images", "photos", "pictures", "files", "videos"),
                          read_only=True,
       instructions="Assets filtered by kind (image, video, audio, document), tag or a filename search, newest first.")
async def list_assets(ctx: SkillContext, kind: Literal["image", "video", "audio", "document"] | None = None,
                      tag: str | None = None, query: str | None = None, limit: int = 50, offset: int = 0) -> AssetPage:
    """List media assets with filters.

    Args:
        kind: image, video, audio or document.
        tag: Only assets with this tag.
        query: Text to match in the filename.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    prefix = {"image": "image/%", "video": "video/%", "audio": "audio/%"}.get(kind or "")
    filters = (Filters().add("mime_type LIKE ?", prefix)
               .add("mime_type NOT LIKE 'image/%' AND mime_type NOT LIKE 'video/%' AND mime_type NOT LIKE 'audio/%'"
                    if kind == "document" else "1 = 1")
               .add("EXISTS (SELECT 1 FROM json_each(media_assets.tags) WHERE value = ?)", tag)
               .like(("filename",), query))
    return await fetch_page(
        ctx.db, AssetPage, select="*", from_="media_assets", filters=filters, order_by="id DESC", limit=limit,
        offset=offset, item=_asset)


@skill(title="Edit alt text or tags",
       examples=("write alt text for an image", "change the tags on a photo"),
       synonyms=("alt text", "caption", "describe", "image"),
       instructions="Sets an asset's alt text and/or replaces its tags.")
async def update(ctx: SkillContext, asset_id: int, alt_text: str | None = None,
                 tags: list[str] | None = None) -> Asset:
    """Edit an asset's alt text or tags.

    Args:
        asset_id: The asset.
        alt_text: New alt text.
        tags: New tags (replaces the old ones).
    """
    await _fetch(ctx, asset_id)
    if alt_text is None and tags is None:
        raise SkillFailed("nothing to change: give alt_text and/or tags")
    await ctx.db.execute("UPDATE media_assets SET alt_text = COALESCE(?, alt_text), tags = COALESCE(?, tags) "
                         "WHERE id = ?", (alt_text, json.dumps(sorted({t.lower() for t in tags})) if tags is not None
                                          else None, asset_id))
    return await _fetch(ctx, asset_id)


@skill(title="Accessibility report",
       examples=("which images lack alt text", "accessibility check of our images"),
       synonyms=("accessibility", "screen reader", "missing"),
       read_only=True,
       instructions="Images without alt text (invisible to screen readers) and the share of images that have it.")
async def alt_text_report(ctx: SkillContext) -> AltReport:
    """List images that are missing alt text."""
    images = await ctx.db.fetchval("SELECT COUNT(*) FROM media_assets WHERE mime_type LIKE 'image/%'")
    rows = await ctx.db.fetchall("SELECT * FROM media_assets WHERE mime_type LIKE 'image/%' AND "
                                 "(alt_text IS NULL OR trim(alt_text) = '') ORDER BY id")
    return AltReport(images=images, missing_alt=[_asset(r) for r in rows],
                     coverage=round(1 - len(rows) / images, 3) if images else 1.0)


@skill(title="Delete an asset",
       effects=("deletion",),
       examples=("delete a picture", "remove a file from the media library"),
       synonyms=("remove", "photo", "image", "file"),
       trust="approve", destructive=True,
       targets={"asset_id": "media_assets"},
       instructions="Removes an asset from the library for good (pages still pointing at it will show nothing).")
async def delete(ctx: SkillContext, asset_id: int) -> Asset:
    """Delete a media asset.

    Args:
        asset_id: The asset to delete.
    """
    asset = await _fetch(ctx, asset_id)
    await ctx.db.execute("DELETE FROM media_assets WHERE id = ?", (asset_id,))
    return asset
