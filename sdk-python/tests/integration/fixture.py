"""What the integration tests share: one client, one template built from a recipe, one running sandbox.

They run against a real server with real VMs (WRENN_API_URL, WRENN_API_KEY; PythonSdkIT starts one). A cold
boot under emulation costs seconds, so the suite boots once: the build of ``examples/build-context`` boots
from the base image, and every sandbox of the suite is a clone of the template it makes (under a second).
Whatever the suite created is destroyed when the interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import pathlib
import threading
import uuid

from wrenn import Sandbox, TemplateBuild, Wrenn, WrennError

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD_CONTEXT = ROOT / "examples" / "build-context"
RUN = uuid.uuid4().hex[:8]
"""Unique per run: names of templates and metadata values of this run."""

_lock = threading.RLock()
_client: Wrenn | None = None
_build: TemplateBuild | None = None
_shared: Sandbox | None = None
_created: list[Sandbox] = []


def client() -> Wrenn:
    """A client from the environment; fails clearly when the environment names no server."""
    global _client
    with _lock:
        if _client is None:
            missing = [v for v in ("WRENN_API_URL", "WRENN_API_KEY") if not os.environ.get(v)]
            if missing:
                raise AssertionError(f"the integration tests need {' and '.join(missing)} (PythonSdkIT sets them)")
            _client = Wrenn()
        return _client


def built_template() -> TemplateBuild:
    """The template built once per run from examples/build-context (FROM minimal, a COPY)."""
    global _build
    c = client()
    with _lock:
        if _build is None:
            started = c.builds.start(f"sdk-base-{RUN}", context=BUILD_CONTEXT)
            _build = c.builds.wait(started.id)
            if _build.status != "ready":
                raise AssertionError(f"the suite's template did not build: {_build}")
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
            _shared = client().sandboxes.create(template, metadata={"suite": RUN})
            _created.append(_shared)
        return _shared


def workdir(name: str) -> str:
    """A fresh directory in the shared sandbox for one test."""
    path = f"/tmp/sdk-{name}-{uuid.uuid4().hex[:6]}"
    shared_sandbox().files.mkdir(path)
    return path


@atexit.register
def _destroy_all() -> None:
    for sb in _created:
        try:
            sb.destroy()
        except (WrennError, OSError):
            pass
