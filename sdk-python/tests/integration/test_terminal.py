"""The terminal through the SDK in a real sandbox: a login shell on a PTY, typed into, resized, exited."""

from __future__ import annotations

import unittest

from wrenn import BadRequestError, Sandbox

from . import fixture

sb: Sandbox


def setUpModule() -> None:
    global sb
    sb = fixture.shared_sandbox()


class TerminalTest(unittest.TestCase):
    def test_typing_reading_resizing_and_the_shells_exit(self) -> None:
        with sb.terminal(cols=100, rows=30) as term:
            self.assertIsNotNone(term.pid)
            term.send("echo $TERM $((6 * 7))\n")
            self.assertIn(b"xterm-256color 42", term.read_until("xterm-256color 42", timeout=30))
            term.send("stty size\n")
            term.read_until("30 100", timeout=30)
            term.resize(120, 40)
            term.send("stty size\n")
            term.read_until("40 120", timeout=30)
            term.send(b"exit 3\n")
            self.assertEqual(term.wait(timeout=30), 3)
            self.assertEqual(term.exit_code, 3)
            for _ in term:  # what the shell wrote before its exit is still there to read
                pass
            self.assertEqual(term.read(), b"")

    def test_as_the_unprivileged_user_in_a_directory(self) -> None:
        with sb.terminal(user="user", cwd="/tmp") as term:
            term.send("echo I am $(whoami) in $(pwd)\n")
            term.read_until("I am user in /tmp", timeout=30)
            term.send(b"\x04")  # Ctrl-D: end of input, the shell exits 0
            self.assertEqual(term.wait(timeout=30), 0)

    def test_control_characters_reach_the_program(self) -> None:
        with sb.terminal() as term:
            # The shell's own output (not the echo of the typed line) says the sleep is about to run.
            term.send("echo go$((40 + 2)); sleep 600\n")
            term.read_until("go42", timeout=30)
            term.send(b"\x03")  # Ctrl-C: SIGINT to the foreground sleep
            term.send("echo status=$?\n")
            term.read_until("status=130", timeout=30)

    def test_a_bad_size_is_refused_before_the_upgrade(self) -> None:
        with self.assertRaises(BadRequestError) as caught:
            sb.terminal(cols=0)
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "invalid_request"))
        with self.assertRaises(ValueError):
            with sb.terminal() as term:
                term.resize(0, 10)
        with self.assertRaises(BadRequestError) as cwd:
            sb.terminal(cwd="/no/such/dir")  # refused by the guest, after the upgrade
        self.assertEqual(cwd.exception.code, "invalid_request")


if __name__ == "__main__":
    unittest.main()
