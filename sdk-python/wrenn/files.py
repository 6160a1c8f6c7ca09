"""Files in a sandbox: whole or streamed transfers, and file-system operations (``sandbox.files``)."""

from __future__ import annotations

import io
import json
import posixpath
from typing import Any, Iterator

from . import _multipart
from ._http import StreamedBody, Transport
from ._ws import CLOSE_NORMAL, WebSocket
from .errors import CODE_STATUS, NotFoundError, StreamError, WrennError, error_for
from .models import FsEntry, WatchEvent

# A whole-file transfer of up to WRENN_MAX_UPLOAD_BYTES (100 MiB) may take a while on a slow guest.
TRANSFER_TIMEOUT = 600.0


class Files:
    """Reads, writes and manages files in one sandbox. Paths are absolute and never climb (``..``).

    ``user`` is ``root`` (default) or ``user``: the account the file-system operation acts as.
    """

    def __init__(self, transport: Transport, sandbox_path: str) -> None:
        self._t = transport
        self._path = sandbox_path

    def read(self, path: str) -> bytes:
        """The whole file (:class:`NotFoundError` with code ``file_not_found`` when it is missing)."""
        response = self._t.request(
            "POST", self._path + "/files/read", json_body={"path": path}, timeout=TRANSFER_TIMEOUT
        )
        return response.body

    def read_text(self, path: str, encoding: str = "utf-8") -> str:
        """The whole file as text."""
        return self.read(path).decode(encoding)

    def write(self, path: str, data: bytes | str) -> None:
        """Writes a whole file (text as UTF-8), creating its parent directories; at most 100 MiB by default.

        The file appears whole or not at all: a reader never sees half of it.
        """
        if not isinstance(data, (bytes, bytearray, memoryview, str)):
            raise TypeError("write takes bytes or str; use write_stream for files and iterators")
        self._upload("/files/write", path, data)

    def read_stream(self, path: str) -> FileReader:
        """The file as a binary file-like object read as it arrives (any size). Close it when done."""
        body = self._t.stream(
            "POST", self._path + "/files/stream/read", json_body={"path": path}, timeout=TRANSFER_TIMEOUT
        )
        return FileReader(body)

    def write_stream(self, path: str, source: _multipart.Source) -> None:
        """Writes a file of any size from a binary file object (``open(..., "rb")``) or an iterator of bytes."""
        self._upload("/files/stream/write", path, source)

    def _upload(self, route: str, path: str, source: _multipart.Source) -> None:
        # The path first: the server then writes the file as it arrives instead of spooling it.
        parts = [
            _multipart.Part("path", path),
            _multipart.Part("file", source, filename=posixpath.basename(path) or "file",
                            content_type="application/octet-stream"),
        ]
        content_type, body = _multipart.encode(parts)
        self._t.request("POST", self._path + route, body=body, content_type=content_type, timeout=TRANSFER_TIMEOUT)

    def list(self, path: str, *, depth: int = 1, user: str | None = None) -> list[FsEntry]:
        """The entries under a directory, down to ``depth`` levels (1 to 16)."""
        query = {"path": path, "depth": depth, "user": user}
        return [FsEntry.from_json(d) for d in self._t.json("GET", self._path + "/fs/list", query=query)]

    def stat(self, path: str, *, user: str | None = None) -> FsEntry:
        """One entry (:class:`NotFoundError` when missing)."""
        return FsEntry.from_json(self._t.json("GET", self._path + "/fs/stat", query={"path": path, "user": user}))

    def exists(self, path: str, *, user: str | None = None) -> bool:
        """Whether something is at ``path``."""
        try:
            self.stat(path, user=user)
            return True
        except NotFoundError:
            return False

    def mkdir(self, path: str, *, user: str | None = None) -> FsEntry:
        """Makes a directory and its parents (:class:`ConflictError` when it exists)."""
        body = _with_user({"path": path}, user)
        return FsEntry.from_json(self._t.json("POST", self._path + "/fs/mkdir", json_body=body))

    def move(self, source: str, destination: str, *, user: str | None = None) -> FsEntry:
        """Moves or renames; answers the entry at its new place."""
        body = _with_user({"source": source, "destination": destination}, user)
        return FsEntry.from_json(self._t.json("POST", self._path + "/fs/move", json_body=body))

    def remove(self, path: str, *, user: str | None = None) -> None:
        """Removes a file or a whole directory tree."""
        self._t.request("POST", self._path + "/fs/remove", json_body=_with_user({"path": path}, user))

    def watch(self, path: str, *, recursive: bool = False, user: str | None = None) -> Watch:
        """Watches a directory; answers once the watch is in place, so every later change is seen."""
        ws = self._t.websocket(self._path + "/fs/watch", {"path": path, "recursive": recursive, "user": user})
        return Watch.started(ws)


def _with_user(body: dict[str, Any], user: str | None) -> dict[str, Any]:
    if user is not None:
        body["user"] = user
    return body


class FileReader(io.RawIOBase):
    """A file streamed from a sandbox: ``read()``, ``readinto()``, lines, or :meth:`chunks`."""

    def __init__(self, body: StreamedBody) -> None:
        super().__init__()
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._body.read1(len(view))
        view[: len(data)] = data
        return len(data)

    def chunks(self, size: int = 256 * 1024) -> Iterator[bytes]:
        """The file in pieces of at most ``size`` bytes, as they arrive."""
        while True:
            data = self._body.read1(size)
            if not data:
                return
            yield data

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class Watch:
    """Changes under a watched directory, as :class:`WatchEvent`\\ s. Closing it removes the watch."""

    def __init__(self, ws: WebSocket) -> None:
        self._ws = ws
        self._ended = False

    @classmethod
    def started(cls, ws: WebSocket) -> Watch:
        watch = cls(ws)
        try:
            message = ws.recv()
            first = json.loads(message.text) if message is not None else None
            if first is None or first.get("type") != "start":
                watch._fail(first)
        except BaseException:
            ws.close()
            raise
        return watch

    def _fail(self, message: dict[str, Any] | None) -> None:
        """The watch failed: raises its error, typed by the code the socket's close names."""
        self._ended = True
        text = str(message.get("data", "")) if message else ""
        if message is not None:
            try:
                self._ws.recv(5.0)  # the close follows the error message: its reason is the API's code
            except (TimeoutError, WrennError):
                pass
        reason = self._ws.close_reason
        if reason in CODE_STATUS:
            raise error_for(None, reason, text or reason)
        raise StreamError(text or f"the watch ended (WebSocket close {self._ws.close_code})", code="stream_error")

    def next_event(self, timeout: float | None = None) -> WatchEvent | None:
        """The next change, or None once the watch ended. Raises :class:`TimeoutError` after ``timeout`` s."""
        if self._ended:
            return None
        message = self._ws.recv(timeout)
        if message is None:
            self._ended = True
            if self._ws.close_code not in (CLOSE_NORMAL, None):
                self._fail(None)
            return None
        event = json.loads(message.text)
        if event.get("type") == "error":
            self._fail(event)
        return WatchEvent(event.get("type", ""), event.get("name", ""))

    def __iter__(self) -> Iterator[WatchEvent]:
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def close(self) -> None:
        """Removes the watch."""
        self._ended = True
        self._ws.close()

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
