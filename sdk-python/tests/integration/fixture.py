"""What the integration tests share: one client, one template built from a recipe, one running sandbox, and one
sandbox running the code interpreter.

They run against a real server with real VMs (WRENN_URL, WRENN_API_KEY; PythonSdkIT starts one). A cold
boot under emulation costs seconds, so the suite boots once: the build of ``examples/build-context`` boots
from the base image, and every sandbox of the suite is a clone of the template it makes (under a second).
Whatever the suite created is destroyed when the interpreter exits.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import os
import pathlib
import threading
import uuid

from wrenn import Sandbox, TemplateBuild, Wrenn, WrennError

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD_CONTEXT = ROOT / "examples" / "build-context"
RUN = uuid.uuid4().hex[:8]
"""Unique per run: names of templates and metadata values of this run."""

# The command, user, directory and backend of the built-in template's recipe
# (templates/code-interpreter-v1/Dockerfile).
CODE_INTERPRETER = (
    "/opt/wrenn/jre/bin/java @/opt/wrenn/jvm.args -Xmx128m"
    " -cp /opt/wrenn/guest-agent.jar:/opt/wrenn/code-interpreter.jar dev.wrenn.codeinterpreter.CodeInterpreter"
)

_lock = threading.RLock()
_client: Wrenn | None = None
_build: TemplateBuild | None = None
_shared: Sandbox | None = None
_created: list[Sandbox] = []
_background = concurrent.futures.ThreadPoolExecutor(max_workers=1)
_interpreter: concurrent.futures.Future[Sandbox] | None = None


def client() -> Wrenn:
    """A client from the environment; fails clearly when the environment names no server."""
    global _client
    with _lock:
        if _client is None:
            missing = [v for v in ("WRENN_URL", "WRENN_API_KEY") if not os.environ.get(v)]
            if missing:
                raise AssertionError(f"the integration tests need {' and '.join(missing)} (PythonSdkIT sets them)")
            _client = Wrenn()
        return _client


def built_template() -> TemplateBuild:
    """The template built once per run from examples/build-context (FROM minimal, ENV, COPY)."""
    global _build, _interpreter
    c = client()
    with _lock:
        if _build is None:
            started = c.builds.start(f"sdk-base-{RUN}", context=BUILD_CONTEXT)
            _build = c.builds.wait(started.id)
            if _build.status != "ready":
                raise AssertionError(f"the suite's template did not build: {_build}")
            # The interpreter's start (an emulated JVM and Jupyter kernel: tens of seconds of one vCPU) begins
            # now, in the background, so that it overlaps the other tests instead of adding to them.
            _interpreter = _background.submit(_start_code_interpreter)
        return _build


def sandbox(**kwargs: object) -> Sandbox:
    """A new sandbox of the suite's template, destroyed at exit if the test did not destroy it."""
    if "template" not in kwargs:
        kwargs["template"] = built_template().name
    return track(client().sandboxes.create(**kwargs))  # type: ignore[arg-type]


def track(sb: Sandbox) -> Sandbox:
    """Destroys ``sb`` at exit if the test did not."""
    with _lock:
        _created.append(sb)
    return sb


def shared_sandbox() -> Sandbox:
    """The running sandbox tests share; each test works under a directory of its own."""
    global _shared
    template = built_template().name
    with _lock:
        if _shared is None:
            _shared = track(client().sandboxes.create(template, metadata={"suite": RUN}))
        return _shared


def workdir(name: str) -> str:
    """A fresh directory in the shared sandbox for one test."""
    path = f"/tmp/sdk-{name}-{uuid.uuid4().hex[:6]}"
    shared_sandbox().files.mkdir(path)
    return path


def code_interpreter() -> Sandbox:
    """A sandbox of the suite's template (1024 MB) whose code interpreter listens on its port 49999."""
    built_template()
    assert _interpreter is not None
    return _interpreter.result()


def _start_code_interpreter() -> Sandbox:
    sb = sandbox()
    # The shell waits for a line before it becomes the server, so the attachment sees every line it writes;
    # the server starts its kernel first and then says it listens.
    p = sb.processes.start(
        f"read go && exec {CODE_INTERPRETER}",
        user="user",
        cwd="/home/user",
        env={"MPLBACKEND": "module://matplotlib_inline.backend_inline", "WRENN_CI_KERNEL_TIMEOUT_S": "240"},
        tag="code-interpreter",
        stdin=True,
    )
    log: list[str] = []
    with p.attach() as stream:
        p.send_stdin("go\n")
        for event in stream:
            log.append(event.text)
            if "listening on :49999" in "".join(log):
                return sb
    raise AssertionError(f"the code interpreter exited with {stream.exit_code}: {''.join(log)}")


@atexit.register
def _destroy_all() -> None:
    _background.shutdown(wait=True)  # a sandbox still being prepared is destroyed too
    for sb in _created:
        try:
            sb.destroy()
        except (WrennError, OSError):
            pass
