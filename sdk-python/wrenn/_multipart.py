"""``multipart/form-data`` bodies: whole when every part is in memory, else streamed part by part."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, Iterable, Iterator, Union

CHUNK = 256 * 1024

Source = Union[bytes, bytearray, memoryview, str, IO[bytes], Iterable[bytes]]


@dataclass(frozen=True)
class Part:
    """One form field; a ``filename`` makes it a file part."""

    name: str
    value: Source
    filename: str | None = None
    content_type: str | None = None


def _header(boundary: str, part: Part) -> bytes:
    disposition = f'form-data; name="{_quote(part.name)}"'
    if part.filename is not None:
        disposition += f'; filename="{_quote(part.filename)}"'
    lines = [f"--{boundary}", f"Content-Disposition: {disposition}"]
    if part.content_type:
        lines.append(f"Content-Type: {part.content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _quote(value: str) -> str:
    # A name cannot end the quoted string or the header line it sits in.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _in_memory(value: Source) -> bytes | None:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return None


def _chunks(value: Source) -> Iterator[bytes]:
    read = getattr(value, "read", None)
    if read is not None:
        while True:
            chunk = read(CHUNK)
            if not chunk:
                return
            if isinstance(chunk, str):
                raise TypeError("a file to upload must be opened in binary mode ('rb')")
            yield bytes(chunk)
    else:
        for chunk in value:  # type: ignore[union-attr]
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(f"an upload's chunks must be bytes, not {type(chunk).__name__}")
            if chunk:
                yield bytes(chunk)


def encode(parts: list[Part]) -> tuple[str, bytes | Iterator[bytes]]:
    """The content type and body of a form: bytes when every part is in memory, else an iterator of chunks."""
    boundary = "wrenn-" + os.urandom(16).hex()
    content_type = f"multipart/form-data; boundary={boundary}"
    whole = [_in_memory(p.value) for p in parts]
    if all(w is not None for w in whole):
        body = bytearray()
        for part, data in zip(parts, whole):
            body += _header(boundary, part) + data + b"\r\n"  # type: ignore[operator]
        body += f"--{boundary}--\r\n".encode("ascii")
        return content_type, bytes(body)

    def stream() -> Iterator[bytes]:
        for part, data in zip(parts, whole):
            yield _header(boundary, part)
            if data is not None:
                yield data
            else:
                yield from _chunks(part.value)
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode("ascii")

    return content_type, stream()
