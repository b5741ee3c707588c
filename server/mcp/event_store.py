"""Recent SSE events in memory, so a 2025-11-25 client whose stream broke can resume it.

With an event store the SDK opens every SSE stream with a priming event (an id, empty data and
a ``retry:`` hint) and stores each message it sends; a client that reconnects with
``Last-Event-ID`` gets what it missed on that stream. Bounded: the oldest events go first once
``max_events`` are kept, so a stream resumed much later simply starts fresh. Event ids are
random, so one client cannot replay another's stream by guessing.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict, deque

from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp_types import JSONRPCMessage

MAX_EVENTS = 2_000
RETRY_MS = 1_000  # how long a client waits before reconnecting a closed stream


class MemoryEventStore(EventStore):
    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._streams: dict[StreamId, deque[tuple[EventId, JSONRPCMessage | None]]] = {}
        self._stream_of: OrderedDict[EventId, StreamId] = OrderedDict()  # oldest first, over all streams

    @property
    def size(self) -> int:  # not __len__: the SDK tests the store for truth, and an empty one must count
        return len(self._stream_of)

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        event_id = secrets.token_urlsafe(12)
        self._streams.setdefault(stream_id, deque()).append((event_id, message))
        self._stream_of[event_id] = stream_id
        while len(self._stream_of) > self.max_events:
            _, oldest_stream = self._stream_of.popitem(last=False)
            events = self._streams[oldest_stream]
            events.popleft()  # a stream's events are stored in order, so its oldest is the global oldest
            if not events:
                del self._streams[oldest_stream]
        return event_id

    async def replay_events_after(self, last_event_id: EventId, send_callback: EventCallback) -> StreamId | None:
        stream_id = self._stream_of.get(last_event_id)
        if stream_id is None:
            return None
        after = False
        for event_id, message in list(self._streams.get(stream_id, ())):
            if after and message is not None:  # a priming event carries no message
                await send_callback(EventMessage(message, event_id))
            after = after or event_id == last_event_id
        return stream_id
