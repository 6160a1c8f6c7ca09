"""Background processes that outlive their request (``sandbox.processes``)."""

from __future__ import annotations

import base64
import json
import signal as _signal
import time
from typing import Any, Callable, Mapping, Sequence

from ._events import EventStream, OutputCallback
from ._http import Transport, segment
from .commands import command_body
from .errors import NotFoundError
from .models import ProcessInfo

Signal = str | _signal.Signals


def _signal_name(sig: Signal) -> str:
    return sig.name if isinstance(sig, _signal.Signals) else str(sig)


def _stdin_fields(data: str | bytes) -> dict[str, Any]:
    if isinstance(data, str):
        return {"data": data, "encoding": "utf-8"}
    return {"data": base64.b64encode(bytes(data)).decode("ascii"), "encoding": "base64"}


class Processes:
    """Starts, lists and drives the background processes of one sandbox.

    A started process runs until it exits or is signalled, whatever happens to the request or the sockets
    attached to it, and survives pause and resume. Its exit code can be read for 30 s after it ended.
    """

    def __init__(self, transport: Transport, sandbox_path: str) -> None:
        self._t = transport
        self._path = sandbox_path + "/processes"

    def _pid_path(self, pid: int) -> str:
        return f"{self._path}/{segment(int(pid))}"

    def start(
        self,
        cmd: str,
        args: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        user: str | None = None,
        tag: str | None = None,
        stdin: bool = False,
    ) -> Process:
        """Starts a process and answers it once it runs.

        Args:
            cmd: a shell command line, or with ``args`` the program.
            tag: a name to find the process by in :meth:`list`.
            stdin: keep its stdin open for :meth:`send_stdin`; otherwise it reads end-of-file at once.
        """
        body = command_body(cmd, args, env, cwd, user)
        if tag is not None:
            body["tag"] = tag
        body["stdin"] = stdin
        data = self._t.json("POST", self._path, json_body=body)
        return Process(self, int(data["pid"]), data.get("tag"))

    def list(self) -> list[ProcessInfo]:
        """The live processes."""
        return [ProcessInfo.from_json(d) for d in self._t.json("GET", self._path)]

    def get(self, pid: int) -> ProcessInfo:
        """One process: running, or ended with its exit code (while the guest remembers it)."""
        return ProcessInfo.from_json(self._t.json("GET", self._pid_path(pid)))

    def attach(self, pid: int) -> ProcessStream:
        """Attaches to a process's output from now on. Closing the stream detaches; the process runs on."""
        return ProcessStream(self._t.websocket(self._pid_path(pid) + "/stream"))

    def send_stdin(self, pid: int, data: str | bytes, *, close: bool = False) -> None:
        """Writes to its stdin (text as UTF-8, bytes as they are); ``close`` ends its stdin after it."""
        body = {**_stdin_fields(data), "close": close}
        self._t.request("POST", self._pid_path(pid) + "/stdin", json_body=body)

    def close_stdin(self, pid: int) -> None:
        """Ends its stdin: it reads end-of-file."""
        self._t.request("POST", self._pid_path(pid) + "/stdin", json_body={"data": "", "close": True})

    def signal(self, pid: int, sig: Signal = "SIGTERM") -> None:
        """Sends a signal (a name such as ``"SIGINT"`` or a :class:`signal.Signals`) to its process group."""
        self._t.request("POST", self._pid_path(pid) + "/signal", json_body={"signal": _signal_name(sig)})

    def kill(self, pid: int) -> None:
        """SIGKILL to its process group."""
        self.signal(pid, "SIGKILL")

    def wait(
        self,
        pid: int,
        *,
        on_stdout: OutputCallback | None = None,
        on_stderr: OutputCallback | None = None,
        timeout: float | None = None,
    ) -> int:
        """Waits for the process to end and answers its exit code (128+N after signal N).

        Output from now on goes to the callbacks. Raises :class:`TimeoutError` after ``timeout`` seconds; the
        process runs on.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            with self.attach(pid) as stream:
                code = stream._wait(on_stdout, on_stderr, None, deadline)
                if code is not None:
                    return code
        except NotFoundError:
            pass  # it ended before the attach: its exit code is remembered
        info = self.get(pid)
        if info.running or info.exit_code is None:
            raise NotFoundError(f"process {pid} ended without an exit code", code="not_found", status=404)
        return info.exit_code


class Process:
    """A started process: its pid and tag, and the calls of :class:`Processes` for it."""

    def __init__(self, processes: Processes, pid: int, tag: str | None) -> None:
        self._processes = processes
        self.pid = pid
        self.tag = tag

    def __repr__(self) -> str:
        return f"Process(pid={self.pid}, tag={self.tag!r})"

    def info(self) -> ProcessInfo:
        """Running, or ended with its exit code."""
        return self._processes.get(self.pid)

    def attach(self) -> ProcessStream:
        """Its output from now on, as a stream of events."""
        return self._processes.attach(self.pid)

    def send_stdin(self, data: str | bytes, *, close: bool = False) -> None:
        """Writes to its stdin."""
        self._processes.send_stdin(self.pid, data, close=close)

    def close_stdin(self) -> None:
        """Ends its stdin."""
        self._processes.close_stdin(self.pid)

    def signal(self, sig: Signal = "SIGTERM") -> None:
        """Signals its process group."""
        self._processes.signal(self.pid, sig)

    def kill(self) -> None:
        """SIGKILL to its process group."""
        self._processes.kill(self.pid)

    def wait(
        self,
        *,
        on_stdout: OutputCallback | None = None,
        on_stderr: OutputCallback | None = None,
        timeout: float | None = None,
    ) -> int:
        """Waits for its end and answers the exit code."""
        return self._processes.wait(self.pid, on_stdout=on_stdout, on_stderr=on_stderr, timeout=timeout)


class ProcessStream(EventStream):
    """An attachment to a process: ``stdout``, ``stderr`` and ``pty`` events, then ``exit``."""

    def send_stdin(self, data: str | bytes, *, close: bool = False) -> None:
        """Writes to the process's stdin over the socket."""
        message: dict[str, Any] = {"type": "stdin", "close": close, **_stdin_fields(data)}
        if message["encoding"] == "utf-8":
            del message["encoding"]
        self._ws.send_text(json.dumps(message))

    def signal(self, sig: Signal = "SIGTERM") -> None:
        """Signals the process group over the socket."""
        self._ws.send_text(json.dumps({"type": "signal", "signal": _signal_name(sig)}))

    def _wait(
        self,
        on_stdout: OutputCallback | None,
        on_stderr: OutputCallback | None,
        on_pty: Callable[[bytes], None] | None,
        deadline: float | None,
    ) -> int | None:
        self._consume(on_stdout, on_stderr, on_pty, deadline, None)
        return self.exit_code

    def wait(
        self,
        *,
        on_stdout: OutputCallback | None = None,
        on_stderr: OutputCallback | None = None,
        on_pty: Callable[[bytes], None] | None = None,
        timeout: float | None = None,
    ) -> int | None:
        """Reads to the end, output to the callbacks; answers the exit code (None if the stream ended first)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        return self._wait(on_stdout, on_stderr, on_pty, deadline)

    def __enter__(self) -> ProcessStream:
        return self
