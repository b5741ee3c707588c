"""Media: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Asset(Record):
    id: int
    filename: str
    mime_type: str
    size_bytes: int
    alt_text: str | None
    tags: list[str]
    uploaded_at: str


class AssetPage(Page[Asset]):
    pass


class AltReport(Record):
    images: int
    missing_alt: list[Asset]
    coverage: float
