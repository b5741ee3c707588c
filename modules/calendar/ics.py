"""RFC 5545 iCalendar output: CRLF line ends, lines folded at 75 octets, TEXT escaping, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime

CRLF = "\r\n"


def escape(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, continuation lines starting with a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, limit = [], 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
        limit = 74  # continuation lines lose one octet to the leading space
    return (CRLF + " ").join(parts)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: list[dict], now: datetime, domain: str = "pilothouse.local") -> str:  # type: ignore[type-arg]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pilothouse//Calendar//EN", "CALSCALE:GREGORIAN"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event['uid']}@{domain}", f"DTSTAMP:{stamp(now)}",
                  f"DTSTART:{stamp(datetime.fromisoformat(event['starts_at']))}",
                  f"DTEND:{stamp(datetime.fromisoformat(event['ends_at']))}",
                  f"SUMMARY:{escape(event['title'])}"]
        if event.get("location"):
            lines.append(f"LOCATION:{escape(event['location'])}")
        if event.get("description"):
            lines.append(f"DESCRIPTION:{escape(event['description'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
