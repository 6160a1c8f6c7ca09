"""HTTP to the API over :mod:`http.client`: URLs, JSON, streamed bodies, error envelopes, kept-alive connections."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote, urlsplit

from . import __version__
from ._ws import WebSocket
from .errors import error_from_body

QueryValue = str | int | float | bool | Sequence[str] | None


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()
"""A request's timeout when none is given: the client's. ``None`` is no timeout at all."""

# A reused connection the server closed while it sat idle fails on its first use: such a request is sent
# again, once, on a fresh connection (only when its body can be sent again).
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
_MAX_IDLE = 8


def segment(value: str | int) -> str:
    """One path segment, escaped: an id can never reach another route."""
    text = str(value)
    if not text:
        raise ValueError("an id or name in a path must not be empty")
    return quote(text, safe="")


def query_string(params: Mapping[str, QueryValue] | None) -> str:
    """``?a=1&b=x&b=y`` from a mapping: lists repeat their key, booleans are ``true``/``false``, None is left out."""
    if not params:
        return ""
    pairs: list[str] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if isinstance(v, bool):
                v = "true" if v else "false"
            pairs.append(f"{quote(key, safe='')}={quote(str(v), safe='')}")
    return "?" + "&".join(pairs) if pairs else ""


@dataclass(frozen=True)
class Endpoint:
    """Where the API is: scheme, host, port and the path prefix every route goes under."""

    scheme: str
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, base_url: str) -> Endpoint:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL with a host, not {base_url!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"base_url must not have a query or fragment: {base_url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    def target(self, path: str, query: Mapping[str, QueryValue] | None = None) -> str:
        """The request target (path and query) of a route such as ``/v1/sandboxes``."""
        if not path.startswith("/"):
            raise ValueError(f"a route starts with '/': {path!r}")
        return self.prefix + path + query_string(query)

    def url(self, path: str, query: Mapping[str, QueryValue] | None = None) -> str:
        """The full URL of a route."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        netloc = host if self.port == default else f"{host}:{self.port}"
        return f"{self.scheme}://{netloc}{self.target(path, query)}"


@dataclass(frozen=True)
class Response:
    """A whole answer: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class StreamedBody:
    """An answer read as it arrives (a download, an NDJSON log). Close it, or read it to the end."""

    def __init__(self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection) -> None:
        self._response = response
        self._connection = connection
        self.headers = {k.lower(): v for k, v in response.getheaders()}

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""
        data = self._response.read() if size is None or size < 0 else self._response.read(size)
        return data

    def read1(self, size: int = 65536) -> bytes:
        """What has arrived, at most ``size`` bytes, waiting only when nothing has; ``b""`` at the end."""
        return self._response.read1(size)

    def lines(self) -> Iterator[bytes]:
        """The body's lines, without their line ends, as each arrives."""
        while True:
            line = self._response.readline()
            if not line:
                return
            yield line.rstrip(b"\r\n")

    def close(self) -> None:
        self._response.close()
        self._connection.close()


class Transport:
    """The API's HTTP and WebSocket routes, with the key on every request. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.endpoint = Endpoint.parse(base_url)
        self.api_key = api_key
        self.timeout = timeout
        self._ssl = ssl_context if ssl_context is not None else ssl.create_default_context()
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"X-API-Key": self.api_key, "User-Agent": f"wrenn-python/{__version__}", "Accept": "*/*"}
        if extra:
            headers.update(extra)
        return headers

    def _new_connection(self, timeout: float | None) -> http.client.HTTPConnection:
        e = self.endpoint
        if e.scheme == "https":
            return http.client.HTTPSConnection(e.host, e.port, timeout=timeout, context=self._ssl)
        return http.client.HTTPConnection(e.host, e.port, timeout=timeout)

    def _take(self, timeout: float | None) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            return self._new_connection(timeout), False
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn, True

    def _give_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < _MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def _send(
        self,
        method: str,
        target: str,
        body: bytes | Iterable[bytes] | None,
        headers: dict[str, str],
        timeout: float | None,
        fresh: bool,
    ) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
        replayable = body is None or isinstance(body, (bytes, bytearray))
        if fresh or not replayable:
            conn, reused = self._new_connection(timeout), False
        else:
            conn, reused = self._take(timeout)
        chunked = body is not None and not replayable
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        elif body is not None:
            headers["Content-Length"] = str(len(body))  # type: ignore[arg-type]
        try:
            conn.request(method, target, body=body, headers=headers, encode_chunked=chunked)
            return conn.getresponse(), conn
        except _STALE:
            conn.close()
            if not reused:
                raise
            return self._send(method, target, body, headers, timeout, fresh=True)
        except BaseException:
            conn.close()
            raise

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json_body: Any = None,
        body: bytes | Iterable[bytes] | None = None,
        content_type: str | None = None,
        timeout: float | None = DEFAULT,
    ) -> Response:
        """Sends a request and reads the whole answer; an error status raises its :class:`WrennError`."""
        headers = self._headers()
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        target = self.endpoint.target(path, query)
        resp, conn = self._send(method, target, body, headers, self._timeout(timeout), fresh=False)
        try:
            data = resp.read()
        except BaseException:
            conn.close()
            raise
        headers_out = {k.lower(): v for k, v in resp.getheaders()}
        if resp.will_close:
            conn.close()
        else:
            self._give_back(conn)
        if resp.status >= 400:
            raise error_from_body(resp.status, data, headers_out.get("retry-after"))
        return Response(resp.status, headers_out, data)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """:meth:`request`, answering the parsed JSON body (``None`` for an empty one)."""
        return self.request(method, path, **kwargs).json()

    def stream(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json_body: Any = None,
        timeout: float | None = DEFAULT,
    ) -> StreamedBody:
        """Sends a request and answers its body to read as it arrives; an error status raises."""
        headers = self._headers()
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        target = self.endpoint.target(path, query)
        resp, conn = self._send(method, target, body, headers, self._timeout(timeout), fresh=True)
        if resp.status >= 400:
            try:
                data = resp.read()
            finally:
                conn.close()
            raise error_from_body(resp.status, data, resp.getheader("Retry-After"))
        return StreamedBody(resp, conn)

    def websocket(
        self,
        path: str,
        query: Mapping[str, QueryValue] | None = None,
        timeout: float | None = DEFAULT,
    ) -> WebSocket:
        """Opens a WebSocket on a route; a refused upgrade raises the API's error."""
        e = self.endpoint
        return WebSocket.connect(
            e.host,
            e.port,
            e.target(path, query),
            secure=e.scheme == "https",
            headers={"X-API-Key": self.api_key, "User-Agent": f"wrenn-python/{__version__}"},
            timeout=self._timeout(timeout),
            ssl_context=self._ssl,
        )

    def _timeout(self, timeout: float | None) -> float | None:
        return self.timeout if timeout is DEFAULT else timeout

    def close(self) -> None:
        """Closes the idle connections; requests after this still work, each on a connection of its own."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


__all__ = ["Endpoint", "Response", "StreamedBody", "Transport", "query_string", "segment"]
