"""A WebSocket client (RFC 6455) over a plain or TLS socket, with nothing beyond the standard library.

Client frames are masked with a fresh key each; server frames must not be. Text and binary messages may
arrive fragmented, with pings between the fragments; pings are answered at once. Reads wait with
``select`` and keep partial frames in a buffer, so a read that times out loses nothing and the socket
stays usable, and one thread may send while another reads.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Mapping

from .errors import WebSocketError, error_from_body

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
_DATA = (OP_TEXT, OP_BINARY)
_CONTROL = (OP_CLOSE, OP_PING, OP_PONG)

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_NO_STATUS = 1005
CLOSE_ABNORMAL = 1006
CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

_MAX_HEADER = 64 * 1024
DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024


def accept_key(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` a server must answer to ``Sec-WebSocket-Key: key``."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def mask(data: bytes, key: bytes) -> bytes:
    """XORs ``data`` with the 4-byte ``key`` repeated (masking and unmasking are the same)."""
    n = len(data)
    if n == 0:
        return b""
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(repeated, "little")).to_bytes(n, "little")


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True, key: bytes | None = None) -> bytes:
    """One frame; masked with ``key`` when given (a client's frames always are)."""
    n = len(payload)
    head = bytearray([(0x80 if fin else 0) | opcode])
    bit = 0x80 if key is not None else 0
    if n < 126:
        head.append(bit | n)
    elif n < 1 << 16:
        head.append(bit | 126)
        head += n.to_bytes(2, "big")
    else:
        head.append(bit | 127)
        head += n.to_bytes(8, "big")
    if key is None:
        return bytes(head) + payload
    return bytes(head) + key + mask(payload, key)


@dataclass(frozen=True)
class Message:
    """A whole text or binary message, its fragments joined."""

    opcode: int
    data: bytes

    @property
    def is_text(self) -> bool:
        return self.opcode == OP_TEXT

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


class WebSocket:
    """One client connection. Use :meth:`connect`; :meth:`recv` answers messages until the close."""

    def __init__(self, sock: socket.socket, buffered: bytes = b"", max_message: int = DEFAULT_MAX_MESSAGE) -> None:
        self._sock = sock
        self._buf = bytearray(buffered)
        self._max = max_message
        self._send_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._fragments: list[bytes] = []
        self._fragment_opcode: int | None = None
        self._fragment_size = 0
        self._close_sent = False
        self._close_received = False
        self._shut = False
        self.close_code: int | None = None
        self.close_reason: str = ""

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        target: str,
        *,
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_message: int = DEFAULT_MAX_MESSAGE,
    ) -> WebSocket:
        """Opens a socket and performs the opening handshake; a non-101 answer raises the API's error."""
        sock: socket.socket = socket.create_connection((host, port), timeout=timeout)
        try:
            if secure:
                context = ssl_context if ssl_context is not None else ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=host)
            key = base64.b64encode(os.urandom(16)).decode("ascii")
            host_header = f"[{host}]" if ":" in host else host
            default = 443 if secure else 80
            lines = [
                f"GET {target} HTTP/1.1",
                f"Host: {host_header}" + ("" if port == default else f":{port}"),
                "Upgrade: websocket",
                "Connection: Upgrade",
                f"Sec-WebSocket-Key: {key}",
                "Sec-WebSocket-Version: 13",
            ]
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
            status, response_headers, rest = _read_head(sock)
            if status != 101:
                raise error_from_body(
                    status, _read_body(sock, response_headers, rest), response_headers.get("retry-after")
                )
            _check_upgrade(response_headers, key)
            # Reads wait in select from here on; a blocking socket never fails a send half way.
            sock.settimeout(None)
            return cls(sock, rest, max_message)
        except BaseException:
            sock.close()
            raise

    @property
    def closed(self) -> bool:
        """True once the close handshake ended or the connection broke."""
        return self._shut

    def send_text(self, text: str, *, frame_size: int | None = None) -> None:
        """Sends a text message, in frames of at most ``frame_size`` bytes when given."""
        self._send_message(OP_TEXT, text.encode("utf-8"), frame_size)

    def send_binary(self, data: bytes, *, frame_size: int | None = None) -> None:
        """Sends a binary message, in frames of at most ``frame_size`` bytes when given."""
        self._send_message(OP_BINARY, bytes(data), frame_size)

    def ping(self, payload: bytes = b"") -> None:
        """Sends a ping (the server answers with a pong, which :meth:`recv` passes over)."""
        if len(payload) > 125:
            raise ValueError("a ping carries at most 125 bytes")
        self._send_frame(OP_PING, payload)

    def _send_message(self, opcode: int, data: bytes, frame_size: int | None) -> None:
        if frame_size is None or len(data) <= frame_size:
            self._send_frame(opcode, data)
            return
        if frame_size < 1:
            raise ValueError("frame_size must be at least 1")
        with self._send_lock:
            for start in range(0, len(data), frame_size):
                chunk = data[start : start + frame_size]
                op = opcode if start == 0 else OP_CONTINUATION
                self._write(encode_frame(op, chunk, fin=start + frame_size >= len(data), key=os.urandom(4)))

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            self._write(encode_frame(opcode, payload, key=os.urandom(4)))

    def _write(self, frame: bytes) -> None:
        if self._close_sent or self._shut:
            raise WebSocketError("the WebSocket is closed", code="websocket_closed")
        self._sock.sendall(frame)

    def recv(self, timeout: float | None = None) -> Message | None:
        """The next whole message; ``None`` once the connection closed (see :attr:`close_code`).

        Raises :class:`TimeoutError` when nothing whole arrived within ``timeout`` seconds (the socket stays
        usable), and :class:`WebSocketError` when the peer breaks the protocol or the connection drops.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._read_lock:
            while True:
                if self._close_received or self._shut:
                    return None
                frame = self._next_frame(deadline)
                if frame is None:
                    return None
                fin, opcode, payload = frame
                message = self._handle(fin, opcode, payload)
                if message is not None:
                    return message

    def _handle(self, fin: bool, opcode: int, payload: bytes) -> Message | None:
        if opcode == OP_PING:
            try:
                self._send_frame(OP_PONG, payload)
            except (OSError, WebSocketError):
                pass  # closing already: the close handshake answers for the connection
            return None
        if opcode == OP_PONG:
            return None
        if opcode == OP_CLOSE:
            self._closed_by_peer(payload)
            return None
        if opcode in _DATA:
            if self._fragment_opcode is not None:
                self._fail(CLOSE_PROTOCOL_ERROR, "a new message began inside a fragmented one")
            if fin:
                return self._message(opcode, payload)
            self._fragment_opcode = opcode
            self._fragments = [payload]
            self._fragment_size = len(payload)
            return None
        # A continuation frame.
        if self._fragment_opcode is None:
            self._fail(CLOSE_PROTOCOL_ERROR, "a continuation frame with no message to continue")
        self._fragment_size += len(payload)
        if self._fragment_size > self._max:
            self._fail(CLOSE_TOO_BIG, f"a message larger than {self._max} bytes")
        self._fragments.append(payload)
        if not fin:
            return None
        opcode = self._fragment_opcode
        data = b"".join(self._fragments)
        self._fragment_opcode, self._fragments, self._fragment_size = None, [], 0
        return self._message(opcode, data)

    def _message(self, opcode: int, data: bytes) -> Message:
        if opcode == OP_TEXT:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                self._fail(CLOSE_INVALID_DATA, "a text message that is not UTF-8")
        return Message(opcode, data)

    def _closed_by_peer(self, payload: bytes) -> None:
        self._close_received = True
        if len(payload) == 1:
            self._fail(CLOSE_PROTOCOL_ERROR, "a close frame with a one-byte body")
        code = int.from_bytes(payload[:2], "big") if payload else CLOSE_NO_STATUS
        if payload and not _valid_close_code(code):
            self._fail(CLOSE_PROTOCOL_ERROR, f"a close frame with the code {code}, which no endpoint may send")
        try:
            reason = payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            self._fail(CLOSE_INVALID_DATA, "a close reason that is not UTF-8")
        self.close_code, self.close_reason = code, reason
        if not self._close_sent:
            try:
                with self._send_lock:
                    echo = payload[:2] if payload else b""
                    self._sock.sendall(encode_frame(OP_CLOSE, echo, key=os.urandom(4)))
                    self._close_sent = True
            except OSError:
                pass
        self._shutdown()

    def _next_frame(self, deadline: float | None) -> tuple[bool, int, bytes] | None:
        while True:
            frame = self._parse()
            if frame is not None:
                return frame
            if not self._fill(deadline):
                if self._close_sent:
                    # We asked to close and the peer hung up: the close is complete enough.
                    self.close_code = self.close_code or CLOSE_NO_STATUS
                    self._shutdown()
                    return None
                self.close_code = CLOSE_ABNORMAL
                self._shutdown()
                raise WebSocketError("the connection ended without a close frame", code="websocket_error")

    def _fill(self, deadline: float | None) -> bool:
        """Reads what has arrived into the buffer; False at the end of the connection."""
        try:
            pending = isinstance(self._sock, ssl.SSLSocket) and self._sock.pending() > 0
            if deadline is not None and not pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._sock], [], [], remaining)[0]:
                    raise TimeoutError("no WebSocket message within the timeout")
            chunk = self._sock.recv(256 * 1024)
        except TimeoutError:
            raise
        except (OSError, ValueError) as e:
            if self._shut or self._close_sent:
                return False
            self.close_code = CLOSE_ABNORMAL
            self._shutdown()
            raise WebSocketError(f"the connection broke: {e}", code="websocket_error") from e
        if not chunk:
            return False
        self._buf += chunk
        return True

    def _parse(self) -> tuple[bool, int, bytes] | None:
        """One whole frame off the front of the buffer, or None (leaving the buffer as it is) when incomplete."""
        buf = self._buf
        if len(buf) < 2:
            return None
        fin, rsv, opcode = bool(buf[0] & 0x80), buf[0] & 0x70, buf[0] & 0x0F
        masked, length, pos = bool(buf[1] & 0x80), buf[1] & 0x7F, 2
        if rsv:
            self._fail(CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension")
        if opcode not in _DATA and opcode not in _CONTROL and opcode != OP_CONTINUATION:
            self._fail(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode:#x}")
        if opcode in _CONTROL and (not fin or length > 125):
            self._fail(CLOSE_PROTOCOL_ERROR, "a control frame fragmented or over 125 bytes")
        if masked:
            self._fail(CLOSE_PROTOCOL_ERROR, "a masked frame from the server")
        if length == 126:
            if len(buf) < 4:
                return None
            length, pos = int.from_bytes(buf[2:4], "big"), 4
        elif length == 127:
            if len(buf) < 10:
                return None
            length, pos = int.from_bytes(buf[2:10], "big"), 10
            if length >> 63:
                self._fail(CLOSE_PROTOCOL_ERROR, "a frame length with its top bit set")
        if length > self._max:
            self._fail(CLOSE_TOO_BIG, f"a frame larger than {self._max} bytes")
        if len(buf) < pos + length:
            return None
        payload = bytes(buf[pos : pos + length])
        del buf[: pos + length]
        return fin, opcode, payload

    def _fail(self, code: int, why: str) -> None:
        """Fails the connection (RFC 6455 7.1.7): a close frame with ``code`` when possible, then the socket."""
        try:
            if not self._close_sent:
                with self._send_lock:
                    self._close_sent = True
                    self._sock.sendall(encode_frame(OP_CLOSE, code.to_bytes(2, "big"), key=os.urandom(4)))
        except OSError:
            pass
        self.close_code = code
        self._shutdown()
        raise WebSocketError(f"WebSocket protocol error: {why}", code="websocket_error")

    def close(self, code: int = CLOSE_NORMAL, reason: str = "", timeout: float = 5.0) -> None:
        """Starts (or completes) the close handshake and releases the socket. Safe to call more than once."""
        if self._shut:
            return
        try:
            with self._send_lock:
                if not self._close_sent:
                    self._close_sent = True
                    body = code.to_bytes(2, "big") + reason.encode("utf-8")[:123]
                    self._sock.sendall(encode_frame(OP_CLOSE, body, key=os.urandom(4)))
        except OSError:
            self._shutdown()
            return
        if not self._read_lock.acquire(blocking=False):
            # Another thread is reading: ending the connection wakes it, and it releases the socket when it sees
            # the end after our close frame.
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        try:
            deadline = time.monotonic() + timeout
            while not self._close_received and not self._shut:
                frame = self._next_frame(deadline)
                if frame is None:
                    break
                if frame[1] == OP_CLOSE:
                    self._closed_by_peer(frame[2])
        except (TimeoutError, OSError, WebSocketError):
            pass
        finally:
            self._read_lock.release()
            self._shutdown()

    def _shutdown(self) -> None:
        if self._shut:
            return
        self._shut = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    def __enter__(self) -> WebSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _valid_close_code(code: int) -> bool:
    """Codes a peer may send in a close frame (RFC 6455 7.4; 1005, 1006 and 1015 are for reporting only)."""
    return code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014) or 3000 <= code <= 4999


def _read_head(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The status and headers of the handshake's answer, and whatever came after them."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > _MAX_HEADER:
            raise WebSocketError("the handshake answer's headers are too long", code="websocket_error")
        chunk = sock.recv(4096)
        if not chunk:
            raise WebSocketError("the server closed the connection during the handshake", code="websocket_error")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise WebSocketError(f"not an HTTP answer to the handshake: {lines[0]!r}", code="websocket_error")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return int(parts[1]), headers, rest


def _read_body(sock: socket.socket, headers: Mapping[str, str], rest: bytes) -> bytes:
    """The body of a refused handshake (the error envelope), as far as its length says."""
    length = headers.get("content-length")
    want = int(length) if length and length.isdigit() else _MAX_HEADER
    body = rest
    while len(body) < want:
        try:
            chunk = sock.recv(4096)
        except OSError:
            break
        if not chunk:
            break
        body += chunk
    return body[:want]


def _check_upgrade(headers: Mapping[str, str], key: str) -> None:
    if headers.get("upgrade", "").lower() != "websocket":
        raise WebSocketError("the server did not upgrade to websocket", code="websocket_error")
    if "upgrade" not in [t.strip().lower() for t in headers.get("connection", "").split(",")]:
        raise WebSocketError("the handshake answer lacks 'Connection: Upgrade'", code="websocket_error")
    if headers.get("sec-websocket-accept") != accept_key(key):
        raise WebSocketError("the server's Sec-WebSocket-Accept does not match our key", code="websocket_error")
    if headers.get("sec-websocket-extensions"):
        raise WebSocketError("the server chose an extension we did not offer", code="websocket_error")
