"""Typed exceptions for the API's errors.

Every error the API answers carries the envelope ``{"error": {"code", "message"}}``. The SDK raises the
subclass of :class:`WrennError` that fits the HTTP status, with the stable ``code`` to switch on. Errors
that arrive inside a stream (a WebSocket's close reason, the last line of an NDJSON body) carry a code but
no status of their own; the status is then the one the API gives that code everywhere else.
"""

from __future__ import annotations

import builtins
import json
from typing import Mapping

# The API's codes and their statuses (api/openapi.yaml, the Error schema): used for errors that arrive
# inside a stream, where there is no HTTP status line.
CODE_STATUS: Mapping[str, int] = {
    "bad_request": 400,
    "invalid_request": 400,
    "invalid_json": 400,
    "invalid_recipe": 400,
    "unauthorized": 401,
    "permission_denied": 403,
    "not_found": 404,
    "file_not_found": 404,
    "provider_not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "email_taken": 409,
    "name_taken": 409,
    "sandbox_not_running": 409,
    "sandbox_not_paused": 409,
    "template_in_use": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "too_many_login_attempts": 429,
    "quota_exceeded": 429,
    "too_many_streams": 429,
    "internal_error": 500,
    "host_agent_error": 502,
    "no_host_agent": 503,
    "insufficient_capacity": 503,
    "template_building": 503,
    "host_agent_timeout": 504,
    "execution_timeout": 504,
    "insufficient_storage": 507,
}


class WrennError(Exception):
    """An error from the Wrenn API (or from talking to it).

    Attributes:
        code: the API's machine-readable ``error.code`` (``"not_found"``, ``"sandbox_not_running"``, ...),
            or a code of the SDK's own for failures the API did not name (``"websocket_error"``).
        message: the human-readable message.
        status: the HTTP status, or ``None`` when the error did not come with one.
    """

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __str__(self) -> str:
        parts = [p for p in (str(self.status) if self.status else None, self.code) if p]
        return f"{' '.join(parts)}: {self.message}" if parts else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, message={self.message!r})"


class BadRequestError(WrennError):
    """400: the request is malformed or a value is out of range (``invalid_request``, ``invalid_recipe``...)."""


class AuthenticationError(WrennError):
    """401 or 403: no valid API key, or the key may not do this (``unauthorized``, ``permission_denied``)."""


class NotFoundError(WrennError):
    """404: no such sandbox, process, file or template in the key's team (``not_found``, ``file_not_found``)."""


class ConflictError(WrennError):
    """409: the resource is in the wrong state (``sandbox_not_running``, ``name_taken``, ``template_in_use``...)."""


class PayloadTooLargeError(WrennError):
    """413: a body or upload beyond the server's limit (``payload_too_large``)."""


class RateLimitError(WrennError):
    """429: too many requests, streams or sandboxes (``rate_limited``, ``quota_exceeded``, ``too_many_streams``).

    Attributes:
        retry_after: seconds the server asked to wait (its ``Retry-After``), or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class ServerError(WrennError):
    """5xx: the server or its host agent failed (``internal_error``, ``host_agent_error``...)."""


class DeadlineExceededError(ServerError, builtins.TimeoutError):
    """504: a deadline ran out on the server (``host_agent_timeout``, ``execution_timeout``).

    Also a :class:`TimeoutError`, so ``except TimeoutError`` catches it beside the socket's own timeouts.
    """


class StreamError(WrennError):
    """A stream (WebSocket or NDJSON) reported a failure the API did not give a code for."""


class WebSocketError(WrennError):
    """The WebSocket connection broke the protocol (bad handshake, malformed frame, abrupt end)."""


def error_for(
    status: int | None,
    code: str | None,
    message: str,
    retry_after: float | None = None,
) -> WrennError:
    """The exception for an error: by HTTP status, or by the code's usual status when there is none."""
    effective = status if status is not None else CODE_STATUS.get(code or "")
    kwargs = {"code": code, "status": effective}
    if effective == 400:
        return BadRequestError(message, **kwargs)
    if effective in (401, 403):
        return AuthenticationError(message, **kwargs)
    if effective == 404:
        return NotFoundError(message, **kwargs)
    if effective == 409:
        return ConflictError(message, **kwargs)
    if effective == 413:
        return PayloadTooLargeError(message, **kwargs)
    if effective == 429:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if effective == 504:
        return DeadlineExceededError(message, **kwargs)
    if effective is not None and effective >= 500:
        return ServerError(message, **kwargs)
    if effective is None:
        return StreamError(message, code=code)
    return WrennError(message, **kwargs)


def error_from_body(status: int, body: bytes, retry_after: str | None = None) -> WrennError:
    """The exception for an HTTP error answer, read from its envelope (or its text when it has none)."""
    code: str | None = None
    message = ""
    try:
        parsed = json.loads(body.decode("utf-8"))
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
            code = parsed["error"].get("code")
            message = parsed["error"].get("message") or ""
    except (UnicodeDecodeError, ValueError):
        pass
    if not message:
        message = body.decode("utf-8", "replace").strip() or f"HTTP {status}"
    return error_for(status, code, message, _seconds(retry_after))


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
