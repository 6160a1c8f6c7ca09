"""The entry point: :class:`Wrenn`, a client for one server and API key."""

from __future__ import annotations

import os
import ssl

from ._http import Transport
from .sandboxes import Sandboxes
from .templates import Builds, Templates

DEFAULT_BASE_URL = "http://localhost:8080"
DEFAULT_TIMEOUT = 60.0


class Wrenn:
    """A client of a Wrenn server, acting for the team of one API key.

    Args:
        api_key: the key (``wrn_...``); default ``$WRENN_API_KEY``.
        base_url: the server; default ``$WRENN_URL`` (as for the CLI), else
            ``http://localhost:8080``. An https URL is verified against the system's certificates, or
            against ``ssl_context`` when given.
        timeout: seconds a quick call may take; calls that boot or save a sandbox, run a command or move a
            file wait as long as the server may take for them.

    Attributes:
        sandboxes: create, list and get sandboxes.
        templates: list, delete and snapshot templates.
        builds: build templates from recipes.

    A context manager: leaving the block closes its idle connections.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("WRENN_API_KEY")
        if not key:
            raise ValueError("no API key: pass api_key=... or set WRENN_API_KEY")
        url = base_url or os.environ.get("WRENN_URL") or DEFAULT_BASE_URL
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._transport = Transport(url, key, timeout, ssl_context)
        self.base_url = self._transport.endpoint.url("/").rstrip("/")
        self.sandboxes = Sandboxes(self._transport)
        self.templates = Templates(self._transport)
        self.builds = Builds(self._transport)

    def __repr__(self) -> str:
        return f"Wrenn(base_url={self.base_url!r})"

    def close(self) -> None:
        """Closes the idle connections."""
        self._transport.close()

    def __enter__(self) -> Wrenn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
