"""Commands through the SDK in a real sandbox: whole, streamed to callbacks, as events, with stdin and stop."""

from __future__ import annotations

import unittest

from wrenn import BadRequestError, Sandbox

from . import fixture

sb: Sandbox


def setUpModule() -> None:
    global sb
    sb = fixture.shared_sandbox()


class RunTest(unittest.TestCase):
    def test_a_shell_line_with_output_on_both_streams_and_its_exit_code(self) -> None:
        r = sb.commands.run("echo out; echo err >&2; exit 3")
        self.assertEqual((r.stdout, r.stderr, r.exit_code, r.ok, r.timed_out), ("out\n", "err\n", 3, False, False))

    def test_a_program_with_arguments_is_not_a_shell_line(self) -> None:
        r = sb.commands.run("printf", ["%s|", "a b", "$HOME", "*"])
        self.assertEqual(r.stdout, "a b|$HOME|*|")
        self.assertTrue(r.ok)

    def test_env_cwd_and_user(self) -> None:
        d = fixture.workdir("cmd")
        r = sb.commands.run("echo $GREETING $EXTRA; pwd; whoami", env={"EXTRA": "x y"}, cwd=d)
        self.assertEqual(r.stdout, f"hello from a template x y\n{d}\nroot\n")
        self.assertEqual(sb.commands.run("whoami; pwd", user="user").stdout, "user\n/home/user\n")

    def test_binary_output_comes_back_exact(self) -> None:
        r = sb.commands.run("printf '\\377\\000\\001ok'")
        self.assertEqual(r.stdout_bytes, b"\xff\x00\x01ok")
        self.assertEqual(r.stdout, "\ufffd\x00\x01ok")

    def test_a_command_past_its_timeout_is_killed(self) -> None:
        r = sb.commands.run("echo started; sleep 30", timeout=1)
        self.assertTrue(r.timed_out)
        self.assertEqual(r.exit_code, -1)

    def test_bad_input_is_refused(self) -> None:
        with self.assertRaises(BadRequestError) as caught:
            sb.commands.run("true", user="nobody")
        self.assertEqual(caught.exception.code, "invalid_request")
        with self.assertRaises(BadRequestError):
            sb.commands.run("true", cwd="/no/such/dir")
        with self.assertRaises(ValueError):
            sb.commands.run("  ")


class StreamTest(unittest.TestCase):
    def test_output_reaches_the_callbacks_as_it_is_produced(self) -> None:
        out: list[str] = []
        err: list[str] = []
        r = sb.commands.run(
            "for i in 1 2 3; do echo $i; echo e$i >&2; sleep 0.1; done; exit 4",
            on_stdout=out.append,
            on_stderr=err.append,
        )
        self.assertEqual("".join(out), "1\n2\n3\n")
        self.assertEqual("".join(err), "e1\ne2\ne3\n")
        self.assertGreaterEqual(len(out), 2, "output arrives in pieces, not at the end")
        self.assertEqual((r.stdout, r.stderr, r.exit_code), ("1\n2\n3\n", "e1\ne2\ne3\n", 4))

    def test_a_streamed_command_past_its_timeout_is_stopped(self) -> None:
        seen: list[str] = []
        r = sb.commands.run("echo begun; sleep 60", timeout=2, on_stdout=seen.append)
        self.assertEqual("".join(seen), "begun\n")
        self.assertTrue(r.timed_out)
        self.assertEqual(r.exit_code, -1)

    def test_events_in_order_with_stdin(self) -> None:
        with sb.commands.stream("sh", ["-c", "read line; echo got:$line; echo oops >&2"]) as stream:
            self.assertIsNotNone(stream.pid)
            stream.send_stdin("hello\n")
            events = list(stream)
        self.assertEqual(events[0].type, "start")
        self.assertEqual(events[0].pid, stream.pid)
        self.assertEqual(events[-1].type, "exit")
        self.assertEqual(events[-1].exit_code, 0)
        out = "".join(e.text for e in events if e.type == "stdout")
        err = "".join(e.text for e in events if e.type == "stderr")
        self.assertEqual((out, err), ("got:hello\n", "oops\n"))
        self.assertEqual(stream.exit_code, 0)

    def test_closing_stdin_and_stopping(self) -> None:
        with sb.commands.stream("cat") as cat:
            cat.send_stdin(b"bytes in\n", close=True)
            result = cat.wait()
        self.assertEqual((result.stdout, result.exit_code), ("bytes in\n", 0))
        with sb.commands.stream("echo ready; sleep 60") as sleeper:
            first = [e for e in (sleeper.next_event(30), sleeper.next_event(30)) if e is not None]
            self.assertEqual([e.type for e in first], ["start", "stdout"])
            sleeper.stop()
            stopped = sleeper.wait(timeout=30)
        self.assertEqual(stopped.exit_code, 143, "SIGTERM: 128 + 15")

    def test_a_process_that_cannot_start_fails_the_stream_with_the_apis_error(self) -> None:
        with self.assertRaises(BadRequestError):
            sb.commands.stream("true", user="nobody")  # refused by the control plane
        with self.assertRaises(BadRequestError) as cwd:
            sb.commands.stream("true", cwd="/no/such/dir")  # refused by the guest, after the upgrade
        self.assertEqual(cwd.exception.code, "invalid_request")
        with self.assertRaises(BadRequestError):
            sb.commands.run("true", cwd="/no/such/dir", on_stdout=print)


if __name__ == "__main__":
    unittest.main()
