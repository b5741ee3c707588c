"""A real llama.cpp ``llama-server`` on 127.0.0.1, for the real-model tests and benchmarks.

    found = llama_build.artifacts()                 # built once by server/testing/llama_build.py
    with LlamaServer(found) as server:              # a free port, an 8k context, the tool template
        env = {"LOCAL_AI_BASE_URL": server.base_url}

The server is ready when it logs that it listens (after the model loaded), read from its own
output: no polling. Its log is kept (the last lines) to explain a failure. ``stop`` terminates
it and waits; a server that does not stop within 10 s is killed.
"""

from __future__ import annotations

import collections
import subprocess
import threading
from types import TracebackType

from server.testing.llama_build import Artifacts
from server.testing.receivers import free_port

READY_MARK = "listening on http://"
START_TIMEOUT_S = 180.0


class LlamaServer:
    def __init__(self, found: Artifacts, *, context: int = 8192, threads: int | None = None,
                 extra: tuple[str, ...] = ()) -> None:
        self.found = found
        self.context = context
        self.threads = threads
        self.extra = extra
        self.port = 0
        self.log: collections.deque[str] = collections.deque(maxlen=200)
        self._process: subprocess.Popen[str] | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible root (``LOCAL_AI_BASE_URL``)."""
        return f"{self.url}/v1"

    def command(self) -> list[str]:
        command = [str(self.found.server), "-m", str(self.found.weights), "--host", "127.0.0.1",
                   "--port", str(self.port), "-c", str(self.context), "--jinja",
                   "--chat-template-file", str(self.found.template)]
        if self.threads:
            command += ["-t", str(self.threads)]
        return command + list(self.extra)

    def start(self) -> LlamaServer:
        missing = self.found.missing()
        if missing:
            raise RuntimeError("llama-server is not built: missing " + "; ".join(missing)
                               + ". Build it once with: python3 server/testing/llama_build.py")
        self.port = free_port()
        self._process = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, text=True, errors="replace")
        threading.Thread(target=self._drain, daemon=True, name=f"llama-server-{self.port}").start()
        if not self._ready.wait(START_TIMEOUT_S) or self._process.poll() is not None:
            self.stop()
            raise RuntimeError(f"llama-server did not start within {START_TIMEOUT_S:g} s:\n" + "\n".join(self.log))
        return self

    def _drain(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            self.log.append(line.rstrip())
            if READY_MARK in line:
                self._ready.set()
        self._ready.set()  # it exited: start() sees the exit code instead of waiting out the timeout

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

