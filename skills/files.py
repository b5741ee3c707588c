"""A file a skill hands back (an invoice PDF, say), by reference.

A skill's output names the file in a field called ``file``; the bytes stay in the store. Over
MCP the result then also carries a ``resource_link`` content block to ``uri``, which the client
reads with ``resources/read`` (the bytes come base64-encoded as a blob); ``pilothouse call SKILL
--out PATH`` writes the same bytes to a file. Only a summary goes into a model's context, never
tens of kilobytes of base64.
"""

from __future__ import annotations

from skills.record import Record

FIELD = "file"


class FileLink(Record):
    uri: str
    name: str
    mime_type: str
    size: int
    sha256: str
