"""Background processes through the SDK in a real sandbox: start, list, get, attach, stdin, signals, wait."""

from __future__ import annotations

import signal
import unittest

from wrenn import BadRequestError, NotFoundError, Sandbox

from . import fixture

sb: Sandbox


def setUpModule() -> None:
    global sb
    sb = fixture.shared_sandbox()


class ProcessTest(unittest.TestCase):
    def test_a_started_process_is_listed_and_outlives_its_request(self) -> None:
        p = sb.processes.start("sleep 600", tag=f"lister-{fixture.RUN}")
        try:
            listed = {i.pid: i for i in sb.processes.list()}
            self.assertIn(p.pid, listed)
            self.assertEqual((listed[p.pid].tag, listed[p.pid].running), (f"lister-{fixture.RUN}", True))
            self.assertEqual(listed[p.pid].args, ["-c", "sleep 600"])
            self.assertTrue(p.info().running)
        finally:
            p.kill()
        self.assertEqual(p.wait(timeout=60), 128 + signal.SIGKILL)
        self.assertEqual((p.info().running, p.info().exit_code), (False, 137))
        self.assertNotIn(p.pid, [i.pid for i in sb.processes.list()])

    def test_attach_gives_the_output_from_then_on_and_the_exit(self) -> None:
        p = sb.processes.start("read go; echo out:$go; echo err >&2; exit 7", stdin=True)
        with p.attach() as stream:
            p.send_stdin("now\n")
            events = list(stream)
        self.assertEqual(events[-1].type, "exit")
        self.assertEqual(stream.exit_code, 7)
        self.assertEqual("".join(e.text for e in events if e.type == "stdout"), "out:now\n")
        self.assertEqual("".join(e.text for e in events if e.type == "stderr"), "err\n")

    def test_two_attachments_each_get_every_event_and_callbacks_wait(self) -> None:
        p = sb.processes.start("cat", stdin=True)
        first, second = p.attach(), p.attach()
        try:
            p.send_stdin(b"\xffbinary\n")  # bytes go as they are
            first.send_stdin("text over the socket\n", close=True)
            out: list[str] = []
            self.assertEqual(first.wait(on_stdout=out.append, timeout=60), 0)
            self.assertEqual("".join(out), "\ufffdbinary\ntext over the socket\n")
            got = b"".join(e.data for e in second if e.type == "stdout")
            self.assertEqual(got, b"\xffbinary\ntext over the socket\n")
            self.assertEqual(second.exit_code, 0)
        finally:
            first.close()
            second.close()

    def test_signals_by_name_by_enum_and_over_the_socket(self) -> None:
        # sleep itself, not `sh -c "sleep 600"`: a signal that reaches dash before it forks sleep is caught and
        # left pending while sleep runs on (dash catches SIGINT under -c), so the shell form hangs at random.
        term = sb.processes.start("sleep", ["600"])
        term.signal()
        self.assertEqual(term.wait(timeout=60), 128 + signal.SIGTERM)

        interrupted = sb.processes.start("sleep", ["600"])
        sb.processes.signal(interrupted.pid, signal.SIGINT)
        self.assertEqual(sb.processes.wait(interrupted.pid, timeout=60), 128 + signal.SIGINT)

        hup = sb.processes.start("sleep", ["600"])
        with hup.attach() as stream:
            stream.signal("SIGHUP")
            self.assertEqual(stream.wait(timeout=60), 128 + signal.SIGHUP)

    def test_waiting_for_a_process_that_already_ended_reads_its_remembered_exit(self) -> None:
        p = sb.processes.start("exit 5")
        # Its exit is an event on no socket; the process's own record has it (for 30 s).
        sb.commands.run(f"tail --pid={p.pid} -s 0.1 -f /dev/null")
        self.assertEqual(p.wait(timeout=60), 5)

    def test_stdin_closed_gives_end_of_file(self) -> None:
        p = sb.processes.start("wc -c", stdin=True)
        with p.attach() as stream:
            p.send_stdin("12345")
            p.close_stdin()
            result = b"".join(e.data for e in stream if e.type == "stdout")
        self.assertEqual(result.strip(), b"5")

    def test_a_wait_that_times_out_leaves_the_process_running(self) -> None:
        p = sb.processes.start("sleep 600")
        try:
            with self.assertRaises(TimeoutError):
                p.wait(timeout=0.5)
            self.assertTrue(p.info().running)
        finally:
            p.kill()

    def test_errors(self) -> None:
        with self.assertRaises(NotFoundError) as unknown:
            sb.processes.get(999999)
        self.assertEqual(unknown.exception.status, 404)
        with self.assertRaises(NotFoundError) as attach:
            with sb.processes.attach(999999) as stream:
                list(stream)
        self.assertEqual(attach.exception.code, "not_found")
        p = sb.processes.start("sleep 600")
        try:
            with self.assertRaises(BadRequestError):
                p.signal("SIGNOPE")
            with self.assertRaises(BadRequestError):
                sb.processes.start("true", cwd="/no/such/dir")
        finally:
            p.kill()


if __name__ == "__main__":
    unittest.main()
