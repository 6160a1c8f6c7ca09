"""Files through the SDK in a real sandbox: whole and streamed transfers, file-system calls, watches."""

from __future__ import annotations

import io
import os
import tempfile
import unittest

from wrenn import BadRequestError, ConflictError, NotFoundError, Sandbox

from . import fixture

sb: Sandbox


def setUpModule() -> None:
    global sb
    sb = fixture.shared_sandbox()


class TransferTest(unittest.TestCase):
    def test_whole_files_as_bytes_and_text(self) -> None:
        d = fixture.workdir("files")
        every_byte = bytes(range(256)) * 64
        sb.files.write(f"{d}/all.bin", every_byte)
        self.assertEqual(sb.files.read(f"{d}/all.bin"), every_byte)
        sb.files.write(f"{d}/deep/er/note.txt", "grüße\n")  # parents are made
        self.assertEqual(sb.files.read_text(f"{d}/deep/er/note.txt"), "grüße\n")
        self.assertEqual(sb.commands.run(f"cat {d}/deep/er/note.txt").stdout, "grüße\n")
        with self.assertRaises(TypeError):
            sb.files.write(f"{d}/x", io.BytesIO(b"streams go through write_stream"))  # type: ignore[arg-type]

    def test_streamed_files_from_a_file_object_and_an_iterator(self) -> None:
        d = fixture.workdir("stream")
        payload = os.urandom(3 * 1024 * 1024 + 17)
        with tempfile.TemporaryFile() as local:
            local.write(payload)
            local.seek(0)
            sb.files.write_stream(f"{d}/big.bin", local)
        self.assertEqual(sb.commands.run(f"stat -c %s {d}/big.bin").stdout.strip(), str(len(payload)))
        with sb.files.read_stream(f"{d}/big.bin") as remote:
            self.assertEqual(remote.read(10), payload[:10])
            rest = b"".join(remote.chunks(65536))
        self.assertEqual(payload[:10] + rest, payload)
        sb.files.write_stream(f"{d}/parts.txt", (f"line {i}\n".encode() for i in range(1000)))
        with sb.files.read_stream(f"{d}/parts.txt") as remote:
            lines = remote.readlines()
        self.assertEqual(len(lines), 1000)
        self.assertEqual(lines[999], b"line 999\n")

    def test_a_missing_file_and_a_relative_path(self) -> None:
        for read in (sb.files.read, sb.files.read_stream):
            with self.assertRaises(NotFoundError) as caught:
                read("/no/such/file")
            self.assertEqual((caught.exception.code, caught.exception.status), ("file_not_found", 404))
        with self.assertRaises(BadRequestError):
            sb.files.write("relative.txt", b"x")


class FilesystemTest(unittest.TestCase):
    def test_list_stat_mkdir_move_remove(self) -> None:
        d = fixture.workdir("fs")
        made = sb.files.mkdir(f"{d}/a/b")
        self.assertEqual((made.type, made.path, made.is_dir), ("directory", f"{d}/a/b", True))
        with self.assertRaises(ConflictError):
            sb.files.mkdir(f"{d}/a/b")
        sb.files.write(f"{d}/a/b/f.txt", b"12345")
        entry = sb.files.stat(f"{d}/a/b/f.txt")
        self.assertEqual((entry.name, entry.type, entry.size, entry.owner), ("f.txt", "file", 5, "root"))
        self.assertEqual(entry.permissions[0], "-")
        self.assertIsNotNone(entry.modified)
        self.assertEqual([e.name for e in sb.files.list(d)], ["a"])
        self.assertEqual(sorted(e.path for e in sb.files.list(d, depth=3)), [f"{d}/a", f"{d}/a/b", f"{d}/a/b/f.txt"])
        moved = sb.files.move(f"{d}/a/b/f.txt", f"{d}/g.txt")
        self.assertEqual(moved.path, f"{d}/g.txt")
        self.assertFalse(sb.files.exists(f"{d}/a/b/f.txt"))
        self.assertTrue(sb.files.exists(f"{d}/g.txt"))
        sb.files.remove(f"{d}/a")
        self.assertEqual([e.name for e in sb.files.list(d)], ["g.txt"])
        with self.assertRaises(NotFoundError):
            sb.files.stat(f"{d}/a")
        with self.assertRaises(BadRequestError) as climb:
            sb.files.list(f"{d}/../etc")
        self.assertEqual(climb.exception.code, "invalid_request")

    def test_as_the_unprivileged_user(self) -> None:
        made = sb.files.mkdir("/home/user/sdk-" + fixture.RUN, user="user")
        self.assertEqual((made.owner, sb.files.stat(made.path).group), ("user", "user"))
        listed = sb.files.list("/home/user", user="user")
        self.assertIn(made.name, [e.name for e in listed])


class WatchTest(unittest.TestCase):
    def test_changes_arrive_in_order_once_the_watch_is_in_place(self) -> None:
        d = fixture.workdir("watch")
        sb.files.mkdir(f"{d}/sub")
        with sb.files.watch(d, recursive=True) as watch:
            sb.commands.run(f"touch {d}/new.txt; echo x > {d}/sub/inner.txt; rm {d}/new.txt")
            seen = []
            while ("remove", "new.txt") not in seen:
                event = watch.next_event(timeout=30)
                self.assertIsNotNone(event)
                seen.append((event.type, event.name))  # type: ignore[union-attr]
        self.assertEqual(seen[0], ("create", "new.txt"))
        self.assertIn(("create", "sub/inner.txt"), seen)
        self.assertLess(seen.index(("create", "sub/inner.txt")), seen.index(("remove", "new.txt")))

    def test_a_watch_that_times_out_is_still_usable(self) -> None:
        d = fixture.workdir("quiet")
        with sb.files.watch(d) as watch:
            with self.assertRaises(TimeoutError):
                watch.next_event(timeout=0.3)
            # An upload is written to a hidden file beside it and renamed into place: the last event names it.
            sb.files.write(f"{d}/late.txt", b"x")
            names = []
            while "late.txt" not in names:
                event = watch.next_event(timeout=30)
                self.assertIsNotNone(event)
                names.append(event.name)  # type: ignore[union-attr]
        self.assertTrue(names[0].startswith(".late.txt."), names)

    def test_watching_a_missing_directory(self) -> None:
        with self.assertRaises(NotFoundError) as missing:
            sb.files.watch("/no/such/dir")
        self.assertEqual(missing.exception.code, "file_not_found")
        with self.assertRaises(BadRequestError):
            sb.files.watch("relative")


if __name__ == "__main__":
    unittest.main()
