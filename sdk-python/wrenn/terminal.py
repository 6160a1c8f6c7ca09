"""An interactive shell on a pseudo-terminal, over ``/v1/sandboxes/{id}/terminal``."""

from __future__ import annotations

import json
import time
from typing import Iterator

from ._http import Transport
from ._ws import CLOSE_NORMAL, WebSocket
from .errors import CODE_STATUS, StreamError, error_for


class Terminal:
    """``bash -l`` on a terminal (``TERM=xterm-256color``): keystrokes in, screen bytes out.

    Closing it (or leaving its ``with`` block) hangs the terminal up: the shell gets SIGHUP, then SIGKILL.
    """

    def __init__(self, ws: WebSocket) -> None:
        self._ws = ws
        self._buffer = bytearray()
        self._ended = False
        self._last_error: str | None = None
        self.pid: int | None = None
        """The shell's process id."""
        self.exit_code: int | None = None
        """The shell's exit code, once it exited."""

    @classmethod
    def open(
        cls,
        transport: Transport,
        sandbox_path: str,
        *,
        cols: int = 80,
        rows: int = 24,
        cwd: str | None = None,
        user: str | None = None,
    ) -> Terminal:
        """Opens the terminal and waits for the shell to start (its ``start`` message)."""
        query = {"cols": cols, "rows": rows, "cwd": cwd, "user": user}
        terminal = cls(transport.websocket(sandbox_path + "/terminal", query))
        try:
            while terminal.pid is None and terminal._receive(None):
                pass
            if terminal.pid is None:
                terminal._end()
        except BaseException:
            terminal._ws.close()
            raise
        return terminal

    def _receive(self, timeout: float | None) -> bool:
        """Takes one message off the socket; False once it closed."""
        if self._ended:
            return False
        message = self._ws.recv(timeout)
        if message is None:
            self._end()
            return False
        if not message.is_text:
            self._buffer += message.data
            return True
        control = json.loads(message.text)
        kind = control.get("type")
        if kind == "start":
            self.pid = control.get("pid")
        elif kind == "exit":
            self.exit_code = control.get("exit_code")
        elif kind == "error":
            self._last_error = str(control.get("data", ""))
        return True

    def _end(self) -> None:
        self._ended = True
        code, reason = self._ws.close_code, self._ws.close_reason
        if self.exit_code is not None or code == CLOSE_NORMAL:
            return
        message = self._last_error or f"the terminal ended (WebSocket close {code} {reason})".strip()
        if reason in CODE_STATUS:
            raise error_for(None, reason, message)
        raise StreamError(message, code="stream_error")

    def send(self, data: str | bytes) -> None:
        """Types into the terminal (text as UTF-8; bytes as they are, e.g. ``b"\\x03"`` for Ctrl-C)."""
        self._ws.send_binary(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    def resize(self, cols: int, rows: int) -> None:
        """Changes the terminal's size (1 to 1000 columns and rows)."""
        if not (1 <= cols <= 1000 and 1 <= rows <= 1000):
            raise ValueError(f"a terminal has 1 to 1000 columns and rows, not {cols}x{rows}")
        self._ws.send_text(json.dumps({"type": "resize", "cols": cols, "rows": rows}))

    def read(self, timeout: float | None = None) -> bytes:
        """The output that has arrived (waiting for some); ``b""`` once the terminal ended.

        Raises :class:`TimeoutError` when nothing arrived within ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._buffer:
            if not self._receive(_remaining(deadline)):
                return b""
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def read_until(self, marker: str | bytes, timeout: float | None = None) -> bytes:
        """The output up to and including ``marker``; what follows it stays for the next read.

        Raises :class:`TimeoutError` if the marker did not appear within ``timeout`` seconds, and
        :class:`EOFError` if the terminal ended first.
        """
        needle = marker.encode("utf-8") if isinstance(marker, str) else bytes(marker)
        deadline = None if timeout is None else time.monotonic() + timeout
        while needle not in self._buffer:
            if not self._receive(_remaining(deadline)):
                raise EOFError(f"the terminal ended before {marker!r} appeared")
        end = self._buffer.index(needle) + len(needle)
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.read()
            if not chunk:
                return
            yield chunk

    def wait(self, timeout: float | None = None) -> int | None:
        """Waits for the shell to exit (``exit`` typed in, say) and answers its exit code.

        The output meanwhile stays readable with :meth:`read`.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.exit_code is None:
            if not self._receive(_remaining(deadline)):
                break
        return self.exit_code

    def close(self) -> None:
        """Hangs up the terminal."""
        self._ended = True
        self._ws.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the terminal's output did not arrive in time")
    return left
