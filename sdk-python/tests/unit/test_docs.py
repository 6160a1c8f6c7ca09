"""docs/sdk-python.md shows only code that runs: each ```python block is one of sdk-python/examples/*.py, whole
or one of its marked regions (``# [docs:NAME]`` ... ``# [/docs:NAME]``, dedented), and PythonSdkIT runs every
example against a real server."""

from __future__ import annotations

import pathlib
import re
import textwrap
import unittest

SDK = pathlib.Path(__file__).resolve().parents[2]
DOC = SDK.parent / "docs" / "sdk-python.md"
EXAMPLES = SDK / "examples"

BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
REGION = re.compile(r"^[ \t]*# \[docs:([\w-]+)\]\n(.*?)^[ \t]*# \[/docs:\1\]\n", re.S | re.M)


def snippets() -> dict[str, str]:
    """Every whole example and every region, by a name like ``files.py#watch``."""
    found: dict[str, str] = {}
    for path in sorted(EXAMPLES.glob("*.py")):
        text = path.read_text()
        found[path.name] = text
        for name, body in REGION.findall(text):
            found[f"{path.name}#{name}"] = textwrap.dedent(body)
    return found


class DocsTest(unittest.TestCase):
    def test_every_python_block_is_an_example_or_a_region_of_one(self) -> None:
        known = snippets()
        by_text = {text: name for name, text in known.items()}
        blocks = BLOCK.findall(DOC.read_text())
        self.assertGreaterEqual(len(blocks), 10)
        for block in blocks:
            with self.subTest(block=block[:60]):
                self.assertIn(block, by_text, "a ```python block of docs/sdk-python.md that no example holds")

    def test_every_region_is_shown_and_markers_are_balanced(self) -> None:
        shown = set(BLOCK.findall(DOC.read_text()))
        for path in sorted(EXAMPLES.glob("*.py")):
            text = path.read_text()
            opened = re.findall(r"# \[docs:([\w-]+)\]", text)
            closed = re.findall(r"# \[/docs:([\w-]+)\]", text)
            self.assertEqual(opened, closed, f"unbalanced region markers in {path.name}")
            regions = dict(REGION.findall(text))
            self.assertEqual(sorted(regions), sorted(opened), f"a region of {path.name} does not parse")
            for name, body in regions.items():
                self.assertIn(textwrap.dedent(body), shown, f"{path.name}#{name} is not in the docs")

    def test_the_examples_use_nothing_but_the_sdk_and_the_standard_library(self) -> None:
        import sys

        allowed = set(sys.stdlib_module_names) | {"wrenn"}
        for path in sorted(EXAMPLES.glob("*.py")):
            for module in re.findall(r"^(?:from|import) (\w+)", path.read_text(), re.M):
                self.assertIn(module, allowed, f"{path.name} imports {module}")


if __name__ == "__main__":
    unittest.main()
