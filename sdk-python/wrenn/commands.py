"""Commands in a sandbox: run to completion, or streamed as they run (``sandbox.commands``)."""

from __future__ import annotations

import json
import time
from typing import Any, Mapping, Sequence

from ._events import EventStream, OutputCallback, to_text
from ._http import Transport
from .models import CommandResult

DEFAULT_TIMEOUT_SEC = 30
# The server gives a command its timeout plus WRENN_EXEC_GRACE_SEC (30 s) before it gives up on the host.
_HTTP_GRACE = 60.0


def command_body(
    cmd: str,
    args: Sequence[str] | None,
    env: Mapping[str, str] | None,
    cwd: str | None,
    user: str | None,
) -> dict[str, Any]:
    """The command fields exec, the exec stream and process starts share."""
    if not isinstance(cmd, str) or not cmd.strip():
        raise ValueError("cmd must be a non-empty string")
    if isinstance(args, str):
        raise ValueError("args is a list of strings; for a shell command line pass cmd alone")
    body: dict[str, Any] = {"cmd": cmd}
    if args is not None:
        body["args"] = [str(a) for a in args]
    if env:
        body["env"] = dict(env)
    if cwd is not None:
        body["cwd"] = cwd
    if user is not None:
        body["user"] = user
    return body


class Commands:
    """Runs commands in one sandbox.

    ``cmd`` alone is a shell command line (``/bin/sh -c``: pipes and globs work); with ``args`` it is the
    program, run directly with those arguments. ``user`` is ``root`` (default) or ``user``; ``cwd`` is
    relative to the user's home.
    """

    def __init__(self, transport: Transport, sandbox_path: str) -> None:
        self._t = transport
        self._path = sandbox_path

    def run(
        self,
        cmd: str,
        args: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        user: str | None = None,
        timeout: float | None = None,
        on_stdout: OutputCallback | None = None,
        on_stderr: OutputCallback | None = None,
    ) -> CommandResult:
        """Runs a command to its end and answers its output and exit code.

        Args:
            timeout: seconds before the command (and every process it started) is killed; default 30. The
                result then has ``timed_out`` True and ``exit_code`` -1.
            on_stdout, on_stderr: called with each piece of output as it is produced. Given either, the
                command runs over the exec stream; the result still holds all of the output.
        """
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout must be positive")
        body = command_body(cmd, args, env, cwd, user)
        if on_stdout is None and on_stderr is None:
            seconds = DEFAULT_TIMEOUT_SEC if timeout is None else max(1, int(-(-timeout // 1)))
            body["timeout_sec"] = seconds
            data = self._t.json("POST", self._path + "/exec", json_body=body, timeout=seconds + _HTTP_GRACE)
            return CommandResult.from_json(data)
        deadline = time.monotonic() + (DEFAULT_TIMEOUT_SEC if timeout is None else timeout)
        with CommandStream.open(self._t, self._path, body) as stream:
            out, err, timed_out = stream._consume(on_stdout, on_stderr, None, deadline, stream.stop)
            code = -1 if timed_out or stream.exit_code is None else stream.exit_code
            return CommandResult.of(code, out, err, timed_out)

    def stream(
        self,
        cmd: str,
        args: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        user: str | None = None,
    ) -> CommandStream:
        """Starts a command over the exec stream and answers the stream once the command runs.

        Iterate it for its events (``start``, ``stdout``, ``stderr``, ``exit``). The command lives as long as
        the stream: closing it (or leaving its ``with`` block) stops the command.
        """
        return CommandStream.open(self._t, self._path, command_body(cmd, args, env, cwd, user))


class CommandStream(EventStream):
    """A command running over ``/exec/stream``: its events, its stdin, and stop."""

    @classmethod
    def open(cls, transport: Transport, sandbox_path: str, body: Mapping[str, Any]) -> CommandStream:
        ws = transport.websocket(sandbox_path + "/exec/stream")
        stream = cls(ws)
        try:
            ws.send_text(json.dumps({"type": "start", **body}))
            stream._await_start()
        except BaseException:
            ws.close()
            raise
        return stream

    def send_stdin(self, data: str | bytes, *, close: bool = False) -> None:
        """Writes text to the command's stdin; ``close`` ends its stdin after it."""
        text = to_text(data, "the exec stream's stdin")
        self._ws.send_text(json.dumps({"type": "stdin", "data": text, "close": close}))

    def stop(self) -> None:
        """Stops the command: SIGTERM to its process group, SIGKILL 2 s later. Its ``exit`` still comes."""
        self._ws.send_text(json.dumps({"type": "stop"}))

    def wait(
        self,
        *,
        on_stdout: OutputCallback | None = None,
        on_stderr: OutputCallback | None = None,
        timeout: float | None = None,
    ) -> CommandResult:
        """Reads the rest of the stream (output to the callbacks) and answers the result.

        After ``timeout`` seconds the command is stopped and the result has ``timed_out`` True.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        out, err, timed_out = self._consume(on_stdout, on_stderr, None, deadline, self.stop)
        code = -1 if timed_out or self.exit_code is None else self.exit_code
        return CommandResult.of(code, out, err, timed_out)

    def __enter__(self) -> CommandStream:
        return self
