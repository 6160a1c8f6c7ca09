"""Pieces that need no server: a code cell's NDJSON assembled, a build context archived."""

from __future__ import annotations

import io
import json
import pathlib
import tarfile
import tempfile
import unittest

from wrenn import ConflictError, StreamError
from wrenn.code import _assemble
from wrenn.models import CommandResult, OutputEvent
from wrenn.templates import context_archive


def lines(*events: dict) -> list[bytes]:
    return [json.dumps(e).encode() for e in events]


class CodeStreamTest(unittest.TestCase):
    def test_events_become_the_execution_and_reach_their_callbacks_in_order(self) -> None:
        seen: list[str] = []
        execution = _assemble(
            lines(
                {"type": "number_of_executions", "execution_count": 3},
                {"type": "stdout", "text": "a\n", "timestamp": "t"},
                {"type": "keepalive"},
                {"type": "stderr", "text": "w\n", "timestamp": "t"},
                {"type": "result", "text": "7", "is_main_result": True, "extra": {}},
                {"type": "error", "name": "E", "value": "v", "traceback": "tb"},
                {"type": "end_of_execution"},
            ),
            lambda t: seen.append("out " + t),
            lambda t: seen.append("err " + t),
            lambda r: seen.append("result " + str(r.text)),
        )
        self.assertEqual(seen, ["out a\n", "err w\n", "result 7"])
        self.assertEqual((execution.text, execution.stdout, execution.stderr), ("7", ["a\n"], ["w\n"]))
        self.assertEqual((execution.execution_count, execution.error.name), (3, "E"))  # type: ignore[union-attr]

    def test_an_error_envelope_as_the_last_line_raises_it(self) -> None:
        body = lines({"type": "stdout", "text": "x"}, {"error": {"code": "sandbox_not_running", "message": "paused"}})
        with self.assertRaises(ConflictError) as caught:
            _assemble(body, None, None, None)
        self.assertEqual(caught.exception.code, "sandbox_not_running")

    def test_a_stream_cut_short_is_an_error(self) -> None:
        with self.assertRaises(StreamError):
            _assemble(lines({"type": "stdout", "text": "x"}), None, None, None)


class OutputTest(unittest.TestCase):
    def test_base64_output_is_decoded_exactly(self) -> None:
        r = CommandResult.from_json({"stdout": "/wAB", "stderr": "", "exit_code": 0, "encoding": "base64"})
        self.assertEqual(r.stdout_bytes, b"\xff\x00\x01")
        e = OutputEvent.from_json({"type": "pty", "data": "/w==", "encoding": "base64"})
        self.assertEqual(e.data, b"\xff")
        self.assertEqual(OutputEvent.from_json({"type": "exit", "exit_code": 3}).exit_code, 3)


class ContextArchiveTest(unittest.TestCase):
    def test_a_directory_becomes_the_same_tar_gz_every_time_with_modes_kept(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            (root / "sub").mkdir()
            (root / "sub" / "run.sh").write_text("#!/bin/sh\necho hi\n")
            (root / "sub" / "run.sh").chmod(0o755)
            (root / "Dockerfile").write_text("FROM minimal\n")
            first = context_archive(root)
            (root / "Dockerfile").touch()  # a new mtime changes nothing
            self.assertEqual(context_archive(root), first)
        with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
            members = {m.name: m for m in tar.getmembers()}
            self.assertEqual(sorted(members), ["Dockerfile", "sub", "sub/run.sh"])
            self.assertEqual(members["sub/run.sh"].mode & 0o777, 0o755)
            self.assertTrue(members["sub"].isdir())
            self.assertEqual(tar.extractfile("sub/run.sh").read(), b"#!/bin/sh\necho hi\n")  # type: ignore


if __name__ == "__main__":
    unittest.main()
