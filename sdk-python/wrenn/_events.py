"""The event sockets of commands and processes: JSON messages in, :class:`OutputEvent` out."""

from __future__ import annotations

import json
import time
from typing import Callable, Iterator

from ._ws import CLOSE_NORMAL, WebSocket
from .errors import CODE_STATUS, StreamError, error_for
from .models import OutputEvent

OutputCallback = Callable[[str], None]


class EventStream:
    """A WebSocket of output events (``start``, ``stdout``, ``stderr``, ``pty``, ``exit``, ``error``).

    Iterate it for the events as they come; the iteration ends after ``exit``. A stream the server ends
    with a failure raises it (typed by the API's code when the server names one). A context manager.
    """

    def __init__(self, ws: WebSocket) -> None:
        self._ws = ws
        self._pending: list[OutputEvent] = []
        self._last_error: str | None = None
        self._ended = False
        self.pid: int | None = None
        """The process id, once its ``start`` event arrived."""
        self.exit_code: int | None = None
        """The exit code, once its ``exit`` event arrived."""

    def _await_start(self) -> None:
        """Reads up to the ``start`` event (kept for the iteration), so that :attr:`pid` is known."""
        while self.pid is None:
            event = self._read(None)
            if event is None:
                return
            self._pending.append(event)
            if event.type == "exit":
                return

    def next_event(self, timeout: float | None = None) -> OutputEvent | None:
        """The next event, or None once the stream ended. Raises :class:`TimeoutError` after ``timeout`` s."""
        if self._pending:
            return self._pending.pop(0)
        return self._read(timeout)

    def _read(self, timeout: float | None) -> OutputEvent | None:
        while not self._ended:
            message = self._ws.recv(timeout)
            if message is None:
                self._end()
                return None
            if not message.is_text:
                continue
            event = OutputEvent.from_json(json.loads(message.text))
            if event.type == "start":
                self.pid = event.pid
            elif event.type == "exit":
                self.exit_code = event.exit_code
            elif event.type == "error":
                self._last_error = event.message
            return event
        return None

    def _end(self) -> None:
        """The socket closed: a close that was not a normal end after ``exit`` is the stream's failure."""
        self._ended = True
        code, reason = self._ws.close_code, self._ws.close_reason
        if self.exit_code is not None or code == CLOSE_NORMAL:
            return
        message = self._last_error or f"the stream ended (WebSocket close {code} {reason})".strip()
        if reason in CODE_STATUS:
            raise error_for(None, reason, message)
        raise StreamError(message, code="stream_error")

    def __iter__(self) -> Iterator[OutputEvent]:
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def _consume(
        self,
        on_stdout: OutputCallback | None,
        on_stderr: OutputCallback | None,
        on_pty: Callable[[bytes], None] | None,
        deadline: float | None,
        on_deadline: Callable[[], None] | None,
    ) -> tuple[bytes, bytes, bool]:
        """Reads to the end, handing output to the callbacks; answers stdout, stderr and whether time ran out."""
        out, err = bytearray(), bytearray()
        timed_out = False
        while True:
            remaining = None if deadline is None or timed_out else max(0.0, deadline - time.monotonic())
            try:
                event = self.next_event(remaining)
            except TimeoutError:
                if on_deadline is None:
                    raise
                timed_out = True
                on_deadline()
                continue
            if event is None:
                return bytes(out), bytes(err), timed_out
            if event.type == "stdout":
                out += event.data
                if on_stdout:
                    on_stdout(event.text)
            elif event.type == "stderr":
                err += event.data
                if on_stderr:
                    on_stderr(event.text)
            elif event.type == "pty" and on_pty:
                on_pty(event.data)

    def close(self) -> None:
        """Closes the socket."""
        self._ended = True
        self._ws.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_text(data: str | bytes, what: str) -> str:
    """Input for a message that carries text only."""
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{what} carries UTF-8 text only; these bytes are not: {e}") from None


__all__ = ["EventStream", "OutputCallback", "to_text"]
