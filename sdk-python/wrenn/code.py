"""Cells of code in a sandbox's code interpreter, over ``POST /v1/sandboxes/{id}/code`` (docs/code-interpreter.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ._http import Transport
from .errors import StreamError, error_for

_RESULT_FIELDS = ("text", "html", "markdown", "svg", "png", "jpeg", "pdf", "latex", "javascript")
# The server interrupts a cell at its timeout_sec (default 300 s); the client waits a little longer.
_DEFAULT_CELL_TIMEOUT = 300
_HTTP_GRACE = 30.0


@dataclass(frozen=True)
class CodeResult:
    """One output of a cell, by MIME type under E2B's names; images (``png``, ``jpeg``) are base64.

    ``is_main_result`` is True for the value of the cell's last expression.
    """

    is_main_result: bool = False
    text: str | None = None
    html: str | None = None
    markdown: str | None = None
    svg: str | None = None
    png: str | None = None
    jpeg: str | None = None
    pdf: str | None = None
    latex: str | None = None
    javascript: str | None = None
    json: Any = None
    data: Any = None
    chart: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CodeResult:
        return cls(
            is_main_result=bool(d.get("is_main_result", False)),
            json=d.get("json"),
            data=d.get("data"),
            chart=d.get("chart"),
            extra=dict(d.get("extra") or {}),
            **{name: d.get(name) for name in _RESULT_FIELDS},
        )


@dataclass(frozen=True)
class CodeError:
    """The exception a cell raised."""

    name: str
    value: str
    traceback: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CodeError:
        return cls(name=d.get("name", ""), value=d.get("value", ""), traceback=d.get("traceback", ""))


@dataclass(frozen=True)
class CodeExecution:
    """What a cell did: its results, its printed output, the exception it raised (or None)."""

    results: list[CodeResult]
    stdout: list[str]
    stderr: list[str]
    error: CodeError | None
    execution_count: int | None

    @property
    def text(self) -> str | None:
        """The text of the cell's value (its main result), if it had one."""
        for r in self.results:
            if r.is_main_result:
                return r.text
        return None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CodeExecution:
        logs = d.get("logs") or {}
        error = d.get("error")
        return cls(
            results=[CodeResult.from_json(r) for r in d.get("results") or []],
            stdout=list(logs.get("stdout") or []),
            stderr=list(logs.get("stderr") or []),
            error=CodeError.from_json(error) if error else None,
            execution_count=d.get("execution_count"),
        )


def run_code(
    transport: Transport,
    sandbox_path: str,
    code: str,
    *,
    language: str | None,
    context_id: str | None,
    env_vars: Mapping[str, str] | None,
    timeout_sec: int | None,
    on_stdout: Callable[[str], None] | None,
    on_stderr: Callable[[str], None] | None,
    on_result: Callable[[CodeResult], None] | None,
) -> CodeExecution:
    """Runs a cell, whole or (given a callback) streamed; see :meth:`wrenn.Sandbox.run_code`."""
    if not isinstance(code, str):
        raise TypeError("code must be a string")
    body: dict[str, Any] = {"code": code}
    for name, value in (("language", language), ("context_id", context_id), ("timeout_sec", timeout_sec)):
        if value is not None:
            body[name] = value
    if env_vars:
        body["env_vars"] = dict(env_vars)
    wait = (timeout_sec or _DEFAULT_CELL_TIMEOUT) + _HTTP_GRACE
    path = sandbox_path + "/code"
    if on_stdout is None and on_stderr is None and on_result is None:
        return CodeExecution.from_json(transport.json("POST", path, json_body=body, timeout=wait))
    stream = transport.stream("POST", path, query={"stream": True}, json_body=body, timeout=wait)
    try:
        return _assemble(stream.lines(), on_stdout, on_stderr, on_result)
    finally:
        stream.close()


def _assemble(
    lines: Any,
    on_stdout: Callable[[str], None] | None,
    on_stderr: Callable[[str], None] | None,
    on_result: Callable[[CodeResult], None] | None,
) -> CodeExecution:
    """The execution from the NDJSON events, each handed to its callback as it arrives."""
    results: list[CodeResult] = []
    stdout: list[str] = []
    stderr: list[str] = []
    error: CodeError | None = None
    count: int | None = None
    for line in lines:
        if not line.strip():
            continue
        event = json.loads(line)
        kind = event.get("type")
        if kind is None and isinstance(event.get("error"), dict):
            # A failure after the answer began: the stream's last line is the API's error envelope.
            raise error_for(None, event["error"].get("code"), event["error"].get("message", ""))
        if kind == "stdout":
            stdout.append(event.get("text", ""))
            if on_stdout:
                on_stdout(event.get("text", ""))
        elif kind == "stderr":
            stderr.append(event.get("text", ""))
            if on_stderr:
                on_stderr(event.get("text", ""))
        elif kind == "result":
            result = CodeResult.from_json(event)
            results.append(result)
            if on_result:
                on_result(result)
        elif kind == "error":
            error = CodeError.from_json(event)
        elif kind == "number_of_executions":
            count = event.get("execution_count")
        elif kind == "end_of_execution":
            return CodeExecution(results, stdout, stderr, error, count)
    raise StreamError("the cell's stream ended before end_of_execution", code="stream_error")
