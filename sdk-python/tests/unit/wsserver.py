"""A scripted WebSocket server on loopback, written from RFC 6455, for the client's tests.

Each test gives it a handler that speaks frames with the client; the handler's failures are re-raised in the
test by :meth:`ScriptedServer.join`.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
import threading
from typing import Callable

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Peer:
    """The server's side of one connection: reads the client's frames, writes its own."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("client closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_frame(self) -> tuple[bool, int, bytes, bool]:
        """fin, opcode, unmasked payload, and whether the frame was masked."""
        b0, b1 = self._exact(2)
        length = b1 & 0x7F
        if length == 126:
            length = int.from_bytes(self._exact(2), "big")
        elif length == 127:
            length = int.from_bytes(self._exact(8), "big")
        masked = bool(b1 & 0x80)
        key = self._exact(4) if masked else b""
        payload = self._exact(length)
        if masked:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        return bool(b0 & 0x80), b0 & 0x0F, payload, masked

    def read_message(self) -> tuple[int, bytes]:
        """A whole data message (fragments joined); asserts every frame was masked."""
        fin, opcode, payload, masked = self.read_frame()
        assert masked, "a client frame was not masked"
        parts = [payload]
        while not fin:
            fin, cont, payload, masked = self.read_frame()
            assert masked and cont == 0, (cont, masked)
            parts.append(payload)
        return opcode, b"".join(parts)

    @staticmethod
    def frame(opcode: int, payload: bytes, *, fin: bool = True, rsv: int = 0, mask: bytes | None = None) -> bytes:
        n = len(payload)
        head = bytes([(0x80 if fin else 0) | rsv | opcode])
        bit = 0x80 if mask else 0
        if n < 126:
            head += bytes([bit | n])
        elif n < 65536:
            head += bytes([bit | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([bit | 127]) + n.to_bytes(8, "big")
        if mask:
            return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return head + payload

    def send(self, opcode: int, payload: bytes, **kwargs: object) -> None:
        self.sock.sendall(self.frame(opcode, payload, **kwargs))  # type: ignore[arg-type]

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.send(0x8, code.to_bytes(2, "big") + reason.encode())


Handler = Callable[[Peer], None]


class ScriptedServer:
    """Accepts one connection, answers the handshake (or refuses it), then runs ``handler``."""

    def __init__(
        self,
        handler: Handler | None = None,
        *,
        status: int = 101,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        accept: str | None = None,
        after_head: bytes = b"",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.handler = handler
        self.status = status
        self.body = body
        self.extra = headers or {}
        self.accept = accept
        self.after_head = after_head
        self.tls = tls
        self.request_line = ""
        self.request_headers: dict[str, str] = {}
        self.error: BaseException | None = None
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            with conn:
                peer = Peer(conn)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                head, peer.buf = head.split(b"\r\n\r\n", 1)
                lines = head.decode().split("\r\n")
                self.request_line = lines[0]
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    self.request_headers[k.strip().lower()] = v.strip()
                if self.status != 101:
                    reply = f"HTTP/1.1 {self.status} Refused\r\nContent-Length: {len(self.body)}\r\n"
                    reply += "".join(f"{k}: {v}\r\n" for k, v in self.extra.items())
                    conn.sendall(reply.encode() + b"\r\n" + self.body)
                    return
                key = self.request_headers["sec-websocket-key"].encode()
                accept = self.accept or base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
                reply = (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept}\r\n"
                )
                reply += "".join(f"{k}: {v}\r\n" for k, v in self.extra.items())
                conn.sendall(reply.encode() + b"\r\n" + self.after_head)
                if self.handler is not None:
                    self.handler(peer)
        except BaseException as e:  # re-raised in the test thread by join()
            self.error = e
        finally:
            self.listener.close()

    def join(self) -> None:
        self.thread.join(10)
        assert not self.thread.is_alive(), "the scripted server did not finish"
        if self.error is not None:
            raise self.error
