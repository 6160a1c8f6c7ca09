"""The API's data as dataclasses, each read from its JSON by ``from_json``."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 time as an aware datetime (None stays None)."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class NetworkPolicy:
    """What a sandbox may connect to (docs/security/egress.md): ``allow_out`` wins, then ``deny_out``,
    then ``allow_internet_access``."""

    allow_internet_access: bool = True
    allow_out: list[str] = field(default_factory=list)
    deny_out: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> NetworkPolicy:
        return cls(
            allow_internet_access=bool(d.get("allow_internet_access", True)),
            allow_out=list(d.get("allow_out") or []),
            deny_out=list(d.get("deny_out") or []),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "allow_internet_access": self.allow_internet_access,
            "allow_out": list(self.allow_out),
            "deny_out": list(self.deny_out),
        }


@dataclass(frozen=True)
class SandboxInfo:
    """A sandbox as the API last described it."""

    id: str
    status: str
    template: str
    vcpus: int
    memory_mb: int
    timeout_sec: int
    metadata: dict[str, str]
    ttl_sec: int
    on_timeout: str
    auto_resume: bool
    created_at: datetime | None
    started_at: datetime | None
    last_active_at: datetime | None
    last_updated: datetime | None
    end_at: datetime | None
    guest_ip: str | None
    host_ip: str | None
    disk_mb: int | None
    network: NetworkPolicy | None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SandboxInfo:
        return cls(
            id=d["id"],
            status=d.get("status", ""),
            template=d.get("template", ""),
            vcpus=int(d.get("vcpus") or 0),
            memory_mb=int(d.get("memory_mb") or 0),
            timeout_sec=int(d.get("timeout_sec") or 0),
            metadata=dict(d.get("metadata") or {}),
            ttl_sec=int(d.get("ttl_sec") or 0),
            on_timeout=d.get("on_timeout", "kill"),
            auto_resume=bool(d.get("auto_resume", False)),
            created_at=parse_time(d.get("created_at")),
            started_at=parse_time(d.get("started_at")),
            last_active_at=parse_time(d.get("last_active_at")),
            last_updated=parse_time(d.get("last_updated")),
            end_at=parse_time(d.get("end_at")),
            guest_ip=d.get("guest_ip"),
            host_ip=d.get("host_ip"),
            disk_mb=d.get("disk_mb"),
            network=NetworkPolicy.from_json(d["network"]) if d.get("network") else None,
        )


@dataclass(frozen=True)
class SandboxPage:
    """One page of a sandbox list; ``next_cursor`` is None on the last page."""

    sandboxes: list[SandboxInfo]
    next_cursor: str | None


@dataclass(frozen=True)
class Metric:
    """One sample of a sandbox's resource use (bytes; CPU in percent of all its cores)."""

    timestamp: datetime | None
    cpu_count: int
    cpu_used_pct: float
    mem_used: int
    mem_total: int
    mem_cache: int
    disk_used: int
    disk_total: int

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Metric:
        return cls(
            timestamp=parse_time(d.get("timestamp")),
            cpu_count=int(d["cpu_count"]),
            cpu_used_pct=float(d["cpu_used_pct"]),
            mem_used=int(d["mem_used"]),
            mem_total=int(d["mem_total"]),
            mem_cache=int(d["mem_cache"]),
            disk_used=int(d["disk_used"]),
            disk_total=int(d["disk_total"]),
        )


@dataclass(frozen=True)
class CommandResult:
    """A finished command. ``stdout``/``stderr`` are text (invalid UTF-8 replaced); the ``*_bytes`` are exact."""

    exit_code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes
    stderr_bytes: bytes
    timed_out: bool = False
    duration_ms: int | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CommandResult:
        b64 = d.get("encoding") == "base64"
        out = base64.b64decode(d.get("stdout") or "") if b64 else (d.get("stdout") or "").encode("utf-8")
        err = base64.b64decode(d.get("stderr") or "") if b64 else (d.get("stderr") or "").encode("utf-8")
        return cls.of(int(d.get("exit_code", -1)), out, err, bool(d.get("timed_out", False)), d.get("duration_ms"))

    @classmethod
    def of(
        cls, exit_code: int, out: bytes, err: bytes, timed_out: bool = False, duration_ms: int | None = None
    ) -> CommandResult:
        return cls(
            exit_code=exit_code,
            stdout=out.decode("utf-8", "replace"),
            stderr=err.decode("utf-8", "replace"),
            stdout_bytes=out,
            stderr_bytes=err,
            timed_out=timed_out,
            duration_ms=duration_ms,
        )

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.exit_code == 0


@dataclass(frozen=True)
class OutputEvent:
    """One event of a command or process stream.

    ``type`` is ``start`` (with ``pid``), ``stdout``, ``stderr`` or ``pty`` (with ``data``), ``exit`` (with
    ``exit_code``) or ``error`` (with ``message``).
    """

    type: str
    data: bytes = b""
    pid: int | None = None
    exit_code: int | None = None
    message: str | None = None

    @property
    def text(self) -> str:
        """``data`` as text (invalid UTF-8 replaced)."""
        return self.data.decode("utf-8", "replace")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> OutputEvent:
        kind = d.get("type", "")
        if kind in ("stdout", "stderr", "pty"):
            raw = d.get("data") or ""
            data = base64.b64decode(raw) if d.get("encoding") == "base64" else raw.encode("utf-8")
            return cls(kind, data=data)
        if kind == "start":
            return cls(kind, pid=d.get("pid"))
        if kind == "exit":
            return cls(kind, exit_code=d.get("exit_code"))
        return cls(kind, message=str(d.get("data", "")))


@dataclass(frozen=True)
class ProcessInfo:
    """A background process: running, or ended with ``exit_code`` (128+N after signal N)."""

    pid: int
    running: bool
    tag: str | None = None
    cmd: str | None = None
    args: list[str] = field(default_factory=list)
    cwd: str | None = None
    exit_code: int | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ProcessInfo:
        return cls(
            pid=int(d["pid"]),
            running=bool(d.get("running", False)),
            tag=d.get("tag"),
            cmd=d.get("cmd"),
            args=list(d.get("args") or []),
            cwd=d.get("cwd"),
            exit_code=d.get("exit_code"),
        )


@dataclass(frozen=True)
class FsEntry:
    """A file-system entry: ``type`` is file, directory, symlink or unspecified."""

    name: str
    type: str
    path: str
    size: int | None = None
    mode: int | None = None
    permissions: str | None = None
    owner: str | None = None
    group: str | None = None
    modified: datetime | None = None
    symlink_target: str | None = None

    @property
    def is_dir(self) -> bool:
        return self.type == "directory"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> FsEntry:
        return cls(
            name=d["name"],
            type=d["type"],
            path=d["path"],
            size=d.get("size"),
            mode=d.get("mode"),
            permissions=d.get("permissions"),
            owner=d.get("owner"),
            group=d.get("group"),
            modified=parse_time(d.get("modified")),
            symlink_target=d.get("symlink_target"),
        )


@dataclass(frozen=True)
class WatchEvent:
    """A change under a watched directory: ``type`` create, write, remove, rename or chmod; ``name`` relative."""

    type: str
    name: str


@dataclass(frozen=True)
class Template:
    """A template: the base image (``type`` base) or a saved sandbox (``type`` snapshot)."""

    name: str
    type: str
    vcpus: int | None = None
    memory_mb: int | None = None
    size_bytes: int | None = None
    created_at: datetime | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Template:
        return cls(
            name=d["name"],
            type=d.get("type", ""),
            vcpus=d.get("vcpus"),
            memory_mb=d.get("memory_mb"),
            size_bytes=d.get("size_bytes"),
            created_at=parse_time(d.get("created_at")),
        )


@dataclass(frozen=True)
class TemplateBuild:
    """A build of a template from a recipe: ``status`` queued, building, ready, failed or cancelled."""

    id: str
    name: str
    status: str
    from_template: str | None = None
    vcpus: int | None = None
    memory_mb: int | None = None
    disk_mb: int | None = None
    no_cache: bool = False
    steps_total: int | None = None
    steps_cached: int | None = None
    steps_run: int | None = None
    failed_line: int | None = None
    error: str | None = None
    recipe: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ended(self) -> bool:
        return self.status in ("ready", "failed", "cancelled")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TemplateBuild:
        return cls(
            id=d["id"],
            name=d.get("name", ""),
            status=d.get("status", ""),
            from_template=d.get("from"),
            vcpus=d.get("vcpus"),
            memory_mb=d.get("memory_mb"),
            disk_mb=d.get("disk_mb"),
            no_cache=bool(d.get("no_cache", False)),
            steps_total=d.get("steps_total"),
            steps_cached=d.get("steps_cached"),
            steps_run=d.get("steps_run"),
            failed_line=d.get("failed_line"),
            error=d.get("error"),
            recipe=d.get("recipe"),
            created_at=parse_time(d.get("created_at")),
            started_at=parse_time(d.get("started_at")),
            finished_at=parse_time(d.get("finished_at")),
        )


@dataclass(frozen=True)
class BuildLogLine:
    """One entry of a build's log: ``kind`` step, stdout, stderr, info, error or end."""

    seq: int
    kind: str
    text: str
    at: datetime | None = None
    line: int | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> BuildLogLine:
        return cls(
            seq=int(d.get("seq", 0)),
            kind=d.get("kind", ""),
            text=d.get("text", ""),
            at=parse_time(d.get("at")),
            line=d.get("line"),
        )
