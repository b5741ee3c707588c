"""The stdio transport's input, read so that SIGTERM can stop the server while stdin stays open.

The SDK reads stdin with anyio's file wrapper: each ``readline`` runs in one of anyio's worker
threads, which are not daemons, so a process whose host sent SIGTERM but kept the pipe open (several
do) stopped serving yet never exited: the interpreter waited for the thread blocked in ``read``.
Here one daemon thread reads the descriptor and hands each line to the event loop, which waits on
a stream that a cancellation interrupts. The thread uses ``os.read``, not ``sys.stdin.buffer``: a
daemon thread blocked inside a buffered reader aborts the interpreter's shutdown (it holds the
buffer's lock), a raw read holds nothing.
"""

from __future__ import annotations

import os
import sys
import threading

import anyio
import anyio.from_thread
import anyio.lowlevel

CHUNK = 65536


class StdinLines(anyio.AsyncFile[str]):
    """Lines of file descriptor 0 as UTF-8 text (undecodable bytes replaced, as the SDK decodes them),
    for ``stdio_server(stdin=...)``, which only iterates over it."""

    def __init__(self, fd: int = 0) -> None:
        super().__init__(sys.stdin)  # the file it stands for; lines are read from ``fd`` directly
        self._fd = fd
        # No buffer: the reader waits until a line is taken, so a flood waits in the pipe.
        self._send, self._receive = anyio.create_memory_object_stream[str](0)
        self._reader: threading.Thread | None = None

    async def readline(self) -> str:
        if self._reader is None:
            token = anyio.lowlevel.current_token()
            self._reader = threading.Thread(target=self._read, args=(token,), name="stdin reader", daemon=True)
            self._reader.start()
        try:
            return await self._receive.receive()
        except anyio.EndOfStream:
            return ""

    def _read(self, token: anyio.lowlevel.EventLoopToken) -> None:
        pending = b""
        try:
            while chunk := os.read(self._fd, CHUNK):
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    anyio.from_thread.run(self._send.send, line.decode("utf-8", "replace") + "\n", token=token)
            if pending:
                anyio.from_thread.run(self._send.send, pending.decode("utf-8", "replace"), token=token)
            anyio.from_thread.run(self._send.aclose, token=token)
        except (OSError, RuntimeError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass  # stdin is gone, the loop has finished, or nobody reads any more: the server is stopping
