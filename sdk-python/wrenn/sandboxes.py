"""Sandboxes: create, list, get, and one sandbox's lifecycle (:class:`Sandbox`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from ._http import Transport, segment
from .code import CodeExecution, CodeResult, run_code
from .commands import Commands
from .errors import WrennError
from .files import Files
from .models import Metric, NetworkPolicy, SandboxInfo, SandboxPage, Template
from .processes import Processes
from .terminal import Terminal

# The server waits up to WRENN_CREATE_TIMEOUT_SEC (300 s) for a guest to boot or resume, and up to
# WRENN_PAUSE_TIMEOUT_SEC / WRENN_TEMPLATE_SAVE_TIMEOUT_SEC for a pause or a save: the client waits longer.
BOOT_TIMEOUT = 330.0
SAVE_TIMEOUT = 330.0


class Sandboxes:
    """The sandboxes of the API key's team: ``client.sandboxes``."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(
        self,
        template: str | None = None,
        *,
        vcpus: int | None = None,
        memory_mb: int | None = None,
        disk_mb: int | None = None,
        timeout_sec: int | None = None,
        ttl_sec: int | None = None,
        on_timeout: str | None = None,
        auto_resume: bool | None = None,
        metadata: Mapping[str, str] | None = None,
        env_vars: Mapping[str, str] | None = None,
        network: NetworkPolicy | None = None,
    ) -> Sandbox:
        """Starts a sandbox and answers it once it runs. Use it in ``with`` to destroy it at the end.

        Args:
            template: ``minimal`` (the server's default), a built-in one such as ``code-interpreter-v1``, or
                one of the team's templates (those keep their own vCPUs and memory).
            vcpus, memory_mb, disk_mb: its resources (server defaults: 1, 512, 2048).
            timeout_sec: auto-pause after this many seconds without activity; 0 (default) never.
            ttl_sec: time-to-live from when it runs (and again from every resume); 0 (default) none.
            on_timeout: what the end of the time-to-live does: ``kill`` (default) or ``pause``.
            auto_resume: guest traffic through the sandbox proxy resumes it when paused.
            metadata: string keys and values, stored and filterable in :meth:`list`.
            env_vars: variables every process in it sees (never stored by the server).
            network: its egress policy.
        """
        body: dict[str, Any] = {
            "template": template,
            "vcpus": vcpus,
            "memory_mb": memory_mb,
            "disk_mb": disk_mb,
            "timeout_sec": timeout_sec,
            "ttl_sec": ttl_sec,
            "on_timeout": on_timeout,
            "auto_resume": auto_resume,
            "metadata": dict(metadata) if metadata is not None else None,
            "env_vars": dict(env_vars) if env_vars is not None else None,
            "network": network.to_json() if network is not None else None,
        }
        body = {k: v for k, v in body.items() if v is not None}
        info = SandboxInfo.from_json(self._t.json("POST", "/v1/sandboxes", json_body=body, timeout=BOOT_TIMEOUT))
        return Sandbox(self._t, info)

    def list(
        self,
        *,
        status: str | Sequence[str] | None = None,
        template: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> list[SandboxInfo]:
        """Every sandbox of the team that matches, newest first.

        Args:
            status: one status or several (pending, running, paused, stopped, error).
            template: only sandboxes started from this template.
            metadata: only sandboxes whose metadata holds every one of these pairs.
        """
        data = self._t.json("GET", "/v1/sandboxes", query=_list_query(status, template, metadata))
        return [SandboxInfo.from_json(d) for d in data]

    def list_page(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        status: str | Sequence[str] | None = None,
        template: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> SandboxPage:
        """One page of :meth:`list`; pass its ``next_cursor`` to get the next (None after the last)."""
        query = _list_query(status, template, metadata)
        query.update({"limit": limit, "cursor": cursor})
        response = self._t.request("GET", "/v1/sandboxes", query=query)
        return SandboxPage([SandboxInfo.from_json(d) for d in response.json()], response.headers.get("x-next-cursor"))

    def get(self, sandbox_id: str) -> Sandbox:
        """A sandbox of the team by id (:class:`NotFoundError` when there is none)."""
        return Sandbox(self._t, self.info(sandbox_id))

    def info(self, sandbox_id: str) -> SandboxInfo:
        """The sandbox's current description."""
        return SandboxInfo.from_json(self._t.json("GET", f"/v1/sandboxes/{segment(sandbox_id)}"))

    def connect(self, sandbox_id: str, ttl_sec: int | None = None) -> Sandbox:
        """The sandbox, made usable: resumed if paused; its end moved to at least ``ttl_sec`` from now."""
        body = {} if ttl_sec is None else {"ttl_sec": ttl_sec}
        path = f"/v1/sandboxes/{segment(sandbox_id)}/connect"
        return Sandbox(self._t, SandboxInfo.from_json(self._t.json("POST", path, json_body=body, timeout=BOOT_TIMEOUT)))

    def destroy(self, sandbox_id: str) -> None:
        """Destroys the sandbox and everything in it (destroying a stopped one again is fine)."""
        self._t.request("DELETE", f"/v1/sandboxes/{segment(sandbox_id)}", timeout=BOOT_TIMEOUT)


def _list_query(
    status: str | Sequence[str] | None, template: str | None, metadata: Mapping[str, str] | None
) -> dict[str, Any]:
    statuses = [status] if isinstance(status, str) else list(status) if status is not None else None
    pairs = [f"{k}={v}" for k, v in metadata.items()] if metadata else None
    return {"status": statuses, "template": template, "metadata": pairs}


class Sandbox:
    """One sandbox: its lifecycle, and ``commands``, ``processes`` and ``files`` inside it.

    A context manager: ``with client.sandboxes.create() as sb:`` destroys it when the block ends.
    """

    def __init__(self, transport: Transport, info: SandboxInfo) -> None:
        self._t = transport
        self.info = info
        self.id = info.id
        self._path = f"/v1/sandboxes/{segment(self.id)}"
        self.commands = Commands(transport, self._path)
        self.processes = Processes(transport, self._path)
        self.files = Files(transport, self._path)

    def __repr__(self) -> str:
        return f"Sandbox(id={self.id!r}, status={self.info.status!r})"

    @property
    def status(self) -> str:
        """The status as last seen (:meth:`refresh` asks again)."""
        return self.info.status

    @property
    def metadata(self) -> dict[str, str]:
        """The metadata it was created with."""
        return dict(self.info.metadata)

    def _update(self, data: Any) -> SandboxInfo:
        self.info = SandboxInfo.from_json(data)
        return self.info

    def refresh(self) -> SandboxInfo:
        """Reads its description again."""
        return self._update(self._t.json("GET", self._path))

    def pause(self) -> SandboxInfo:
        """Saves its memory, processes and disk and stops its VM (:class:`ConflictError` unless running)."""
        return self._update(self._t.json("POST", self._path + "/pause", json_body={}, timeout=SAVE_TIMEOUT))

    def resume(self) -> SandboxInfo:
        """Restores a paused sandbox exactly as it was (:class:`ConflictError` unless paused)."""
        return self._update(self._t.json("POST", self._path + "/resume", json_body={}, timeout=BOOT_TIMEOUT))

    def connect(self, ttl_sec: int | None = None) -> SandboxInfo:
        """Resumes it if paused; moves its end to at least ``ttl_sec`` from now."""
        body = {} if ttl_sec is None else {"ttl_sec": ttl_sec}
        return self._update(self._t.json("POST", self._path + "/connect", json_body=body, timeout=BOOT_TIMEOUT))

    def set_timeout(self, ttl_sec: int) -> SandboxInfo:
        """Ends it ``ttl_sec`` seconds from now (and that long after each later resume); 0 removes the end."""
        return self._update(self._t.json("POST", self._path + "/timeout", json_body={"ttl_sec": ttl_sec}))

    def ping(self) -> None:
        """Counts as activity: postpones the auto-pause (``timeout_sec``)."""
        self._t.request("POST", self._path + "/ping", json_body={})

    def metrics(self, start: datetime | int | None = None, end: datetime | int | None = None) -> list[Metric]:
        """Its sampled CPU, memory and disk use, oldest first (every 5 s by default, kept an hour)."""
        query = {"start": _unix(start), "end": _unix(end)}
        return [Metric.from_json(d) for d in self._t.json("GET", self._path + "/metrics", query=query)]

    def network(self) -> NetworkPolicy:
        """Its egress policy."""
        return NetworkPolicy.from_json(self._t.json("GET", self._path + "/network"))

    def set_network(self, policy: NetworkPolicy) -> NetworkPolicy:
        """Replaces its egress policy (at once when running; at resume when paused)."""
        return NetworkPolicy.from_json(self._t.json("PUT", self._path + "/network", json_body=policy.to_json()))

    def snapshot(self, name: str | None = None, *, overwrite: bool = False) -> Template:
        """Saves it as a template new sandboxes start from; the sandbox itself is destroyed."""
        body = {"sandbox_id": self.id} if name is None else {"sandbox_id": self.id, "name": name}
        query = {"overwrite": "true"} if overwrite else None
        data = self._t.json("POST", "/v1/snapshots", query=query, json_body=body, timeout=SAVE_TIMEOUT)
        self.refresh()
        return Template.from_json(data)

    def terminal(
        self, *, cols: int = 80, rows: int = 24, cwd: str | None = None, user: str | None = None
    ) -> Terminal:
        """Opens ``bash -l`` on a terminal; answers once the shell runs. Close it (or use ``with``) when done."""
        return Terminal.open(self._t, self._path, cols=cols, rows=rows, cwd=cwd, user=user)

    def run_code(
        self,
        code: str,
        *,
        language: str | None = None,
        context_id: str | None = None,
        env_vars: Mapping[str, str] | None = None,
        timeout_sec: int | None = None,
        on_stdout: Callable[[str], None] | None = None,
        on_stderr: Callable[[str], None] | None = None,
        on_result: Callable[[CodeResult], None] | None = None,
    ) -> CodeExecution:
        """Runs a cell in the sandbox's code interpreter (a sandbox of ``code-interpreter-v1``).

        State carries over between calls in the default context. With any ``on_*`` callback the cell's
        output is streamed to it as it is produced. A cell that raises is an answer: see its ``error``.
        """
        return run_code(
            self._t,
            self._path,
            code,
            language=language,
            context_id=context_id,
            env_vars=env_vars,
            timeout_sec=timeout_sec,
            on_stdout=on_stdout,
            on_stderr=on_stderr,
            on_result=on_result,
        )

    def destroy(self) -> None:
        """Destroys it and everything in it."""
        self._t.request("DELETE", self._path, timeout=BOOT_TIMEOUT)
        try:
            self.refresh()
        except WrennError:
            pass

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc is None:
            self.destroy()
            return
        # The block failed: its error is the one to see, so a failing destroy must not replace it.
        try:
            self.destroy()
        except (WrennError, OSError):
            pass


def _unix(value: datetime | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value.timestamp())
