"""The code interpreter through the SDK on a real server: cells whole and streamed, errors, env vars, the
timeout, contexts, a sandbox without an interpreter, and a saved interpreter's clones.

A sandbox of the suite's template runs the interpreter here the way the built-in template ``code-interpreter-v1``
does (its recipe's command, user, directory and backend: templates/code-interpreter-v1/Dockerfile), started
through the SDK's own process calls (fixture.code_interpreter); building the built-in template would cost a
minute of emulated boots and kernel starts. The last test saves that sandbox as the team's
``code-interpreter-v1`` (a team's own template comes before the built-in one), which the examples then start
from. The methods run in name order.
"""

from __future__ import annotations

import unittest

from wrenn import BadRequestError, ConflictError, DeadlineExceededError, NotFoundError, Sandbox

from . import fixture

TEMPLATE = "code-interpreter-v1"

sb: Sandbox


def setUpModule() -> None:
    global sb
    sb = fixture.code_interpreter()


class CodeInterpreterTest(unittest.TestCase):
    def test_1_cells_keep_their_state_and_answer_their_value_and_output(self) -> None:
        first = sb.run_code("x = 20\nprint('hi')\nx + 1")
        self.assertEqual((first.text, first.stdout, first.error), ("21", ["hi\n"], None))
        self.assertTrue(first.results[0].is_main_result)
        second = sb.run_code("x * 2")
        self.assertEqual(second.text, "40")
        self.assertEqual(second.execution_count, first.execution_count + 1)  # type: ignore[operator]

    def test_2_a_cell_that_raises_is_an_answer(self) -> None:
        e = sb.run_code("1 / 0")
        self.assertIsNotNone(e.error)
        self.assertEqual(e.error.name, "ZeroDivisionError")  # type: ignore[union-attr]
        self.assertIn("ZeroDivisionError", e.error.traceback)  # type: ignore[union-attr]
        self.assertIsNone(e.text)

    def test_3_a_streamed_cell_hands_each_output_to_its_callback(self) -> None:
        out: list[str] = []
        err: list[str] = []
        results = []
        e = sb.run_code(
            "import sys, time\nprint('a', flush=True)\ntime.sleep(0.3)\nprint('b', file=sys.stderr)\n7",
            on_stdout=out.append,
            on_stderr=err.append,
            on_result=results.append,
        )
        self.assertEqual((out, err), (["a\n"], ["b\n"]))
        self.assertEqual([r.text for r in results], ["7"])
        self.assertEqual((e.text, e.stdout, e.stderr), ("7", ["a\n"], ["b\n"]))

    def test_4_env_vars_for_one_cell(self) -> None:
        code = "import os\nos.environ.get('ONLY_HERE', 'unset')"
        self.assertEqual(sb.run_code(code, env_vars={"ONLY_HERE": "yes"}).text, "yes")
        self.assertEqual(sb.run_code(code).text, "unset")

    def test_5_a_cell_past_its_timeout_is_interrupted_and_the_state_stays(self) -> None:
        for streamed in (False, True):
            with self.subTest(streamed=streamed), self.assertRaises(DeadlineExceededError) as caught:
                sb.run_code("import time\ntime.sleep(60)", timeout_sec=1, on_stdout=print if streamed else None)
            self.assertEqual((caught.exception.code, caught.exception.status), ("execution_timeout", 504))
        self.assertEqual(sb.run_code("x").text, "20")

    def test_6_bad_calls(self) -> None:
        with self.assertRaises(NotFoundError):
            sb.run_code("1", context_id="no-such-context")
        with self.assertRaises(BadRequestError) as both:
            sb.run_code("1", language="python", context_id="c")
        self.assertEqual(both.exception.code, "invalid_request")
        with self.assertRaises(ConflictError) as plain:
            fixture.shared_sandbox().run_code("1")
        self.assertEqual(plain.exception.code, "conflict")

    def test_7_saved_as_a_template_its_clones_answer_with_its_state(self) -> None:
        c = fixture.client()
        sb.snapshot(TEMPLATE, overwrite=True)
        with c.sandboxes.create(TEMPLATE) as clone:
            self.assertEqual(clone.run_code("x + 1").text, "21")


if __name__ == "__main__":
    unittest.main()
