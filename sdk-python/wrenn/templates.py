"""Templates (``client.templates``) and their builds from recipes (``client.builds``, docs/templates.md)."""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
import time
from pathlib import Path
from typing import Callable, Iterator

from . import _multipart
from ._http import DEFAULT, StreamedBody, Transport, segment
from .models import BuildLogLine, Template, TemplateBuild

SAVE_TIMEOUT = 330.0


class Templates:
    """The templates the team can start sandboxes from: the base image, built-in ones, its own snapshots."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self, type: str | None = None) -> list[Template]:
        """The templates, or only those of ``type`` ``"base"`` or ``"snapshot"``."""
        return [Template.from_json(d) for d in self._t.json("GET", "/v1/snapshots", query={"type": type})]

    def delete(self, name: str) -> None:
        """Deletes one of the team's templates (:class:`ConflictError` while sandboxes of it live)."""
        self._t.request("DELETE", f"/v1/snapshots/{segment(name)}")

    def snapshot(self, sandbox_id: str, name: str | None = None, *, overwrite: bool = False) -> Template:
        """Saves a running sandbox as a template (its memory, processes and disk); the sandbox is destroyed.

        Without ``name`` one is generated; ``overwrite`` replaces a template of that name.
        """
        body = {"sandbox_id": sandbox_id} if name is None else {"sandbox_id": sandbox_id, "name": name}
        query = {"overwrite": "true"} if overwrite else None
        data = self._t.json("POST", "/v1/snapshots", query=query, json_body=body, timeout=SAVE_TIMEOUT)
        return Template.from_json(data)


class Builds:
    """Builds of templates from recipes (a Dockerfile subset), each step cached as a layer."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def start(
        self,
        name: str,
        recipe: str | None = None,
        *,
        context: str | os.PathLike[str] | bytes | None = None,
        vcpus: int | None = None,
        memory_mb: int | None = None,
        disk_mb: int | None = None,
        no_cache: bool = False,
    ) -> TemplateBuild:
        """Queues a build of template ``name`` and answers it at once (follow it with :meth:`logs`).

        Args:
            recipe: the recipe's text; when None, the ``Dockerfile`` of the ``context`` directory.
            context: what ``COPY`` copies from: a directory (sent as a tar.gz), or a tar or tar.gz as bytes.
            vcpus, memory_mb, disk_mb: override the recipe's ``LABEL wrenn.*`` resources.
            no_cache: run every step, using no cached layer.
        """
        archive: bytes | None = None
        if context is not None:
            if isinstance(context, (bytes, bytearray)):
                archive = bytes(context)
            else:
                directory = Path(context)
                if not directory.is_dir():
                    raise ValueError(f"context must be a directory or a tar's bytes: {directory} is no directory")
                if recipe is None:
                    dockerfile = directory / "Dockerfile"
                    if not dockerfile.is_file():
                        raise ValueError(f"no recipe given and no Dockerfile in {directory}")
                    recipe = dockerfile.read_text("utf-8")
                archive = context_archive(directory)
        if recipe is None:
            raise ValueError("a build needs a recipe (or a context directory holding a Dockerfile)")
        if archive is None:
            body = {"name": name, "recipe": recipe, "no_cache": no_cache}
            for key, value in (("vcpus", vcpus), ("memory_mb", memory_mb), ("disk_mb", disk_mb)):
                if value is not None:
                    body[key] = value
            return TemplateBuild.from_json(self._t.json("POST", "/v1/templates/builds", json_body=body))
        parts = [_multipart.Part("name", name), _multipart.Part("recipe", recipe)]
        for key, value in (("vcpus", vcpus), ("memory_mb", memory_mb), ("disk_mb", disk_mb)):
            if value is not None:
                parts.append(_multipart.Part(key, str(value)))
        if no_cache:
            parts.append(_multipart.Part("no_cache", "true"))
        parts.append(_multipart.Part("context", archive, filename="context.tar.gz", content_type="application/gzip"))
        content_type, payload = _multipart.encode(parts)
        data = self._t.json("POST", "/v1/templates/builds", body=payload, content_type=content_type)
        return TemplateBuild.from_json(data)

    def rebuild(self, name: str, *, no_cache: bool = False) -> TemplateBuild:
        """Builds ``name`` again from its last build's recipe and context."""
        query = {"no_cache": "true"} if no_cache else None
        return TemplateBuild.from_json(self._t.json("POST", f"/v1/templates/{segment(name)}/builds", query=query))

    def get(self, build_id: str) -> TemplateBuild:
        """One build."""
        return TemplateBuild.from_json(self._t.json("GET", f"/v1/templates/builds/{segment(build_id)}"))

    def list(self, name: str | None = None) -> list[TemplateBuild]:
        """The team's builds (of template ``name`` only, when given), newest first."""
        return [TemplateBuild.from_json(d) for d in self._t.json("GET", "/v1/templates/builds", query={"name": name})]

    def logs(self, build_id: str, *, follow: bool = True, after: int | None = None) -> Iterator[BuildLogLine]:
        """The build's log entries after ``after``; with ``follow`` the iteration waits for new ones until
        the build's ``end`` entry. Reconnect with ``after`` set to the last ``seq`` seen.

        The request goes at once (an unknown build raises here); the entries are read as they are iterated.
        """
        stream = self._t.stream(
            "GET",
            f"/v1/templates/builds/{segment(build_id)}/logs",
            query={"follow": "true" if follow else "false", "after": after},
            # A followed log stays quiet while a step boots or runs: no read deadline then.
            timeout=None if follow else DEFAULT,
        )
        return _entries(stream)

    def wait(
        self,
        build_id: str,
        *,
        on_log: Callable[[BuildLogLine], None] | None = None,
        timeout: float | None = None,
    ) -> TemplateBuild:
        """Follows the build to its end (each log entry to ``on_log``) and answers it: ready, failed or cancelled.

        Raises :class:`TimeoutError` if it has not ended after ``timeout`` seconds; the build goes on.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        after: int | None = None
        while True:
            for entry in self._follow(build_id, after, deadline):
                after = entry.seq
                if on_log:
                    on_log(entry)
                if entry.kind == "end":
                    return self.get(build_id)
            # The follow ended without an end entry (a dropped connection): the build may have ended meanwhile.
            build = self.get(build_id)
            if build.ended:
                return build
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"build {build_id} has not ended")

    def _follow(self, build_id: str, after: int | None, deadline: float | None) -> Iterator[BuildLogLine]:
        timeout = None if deadline is None else max(0.1, deadline - time.monotonic())
        stream = self._t.stream(
            "GET",
            f"/v1/templates/builds/{segment(build_id)}/logs",
            query={"follow": "true", "after": after},
            timeout=timeout,
        )
        try:
            yield from _entries(stream)
        except TimeoutError:
            raise TimeoutError(f"build {build_id} has not ended") from None

    def cancel(self, build_id: str) -> TemplateBuild:
        """Cancels a queued or running build (:class:`ConflictError` once it ended)."""
        return TemplateBuild.from_json(self._t.json("POST", f"/v1/templates/builds/{segment(build_id)}/cancel"))


def _entries(stream: StreamedBody) -> Iterator[BuildLogLine]:
    try:
        for line in stream.lines():
            if line.strip():
                yield BuildLogLine.from_json(json.loads(line))
    finally:
        stream.close()


def context_archive(directory: str | os.PathLike[str]) -> bytes:
    """A directory as a tar.gz build context: entries in name order, owners and times zeroed, modes kept,
    so the same files make the same archive."""
    root = Path(directory)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(root.rglob("*")):
            info = tar.gettarinfo(str(path), arcname=path.relative_to(root).as_posix())
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            if info.isfile():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return gzip.compress(buffer.getvalue(), mtime=0)
