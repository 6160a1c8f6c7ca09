"""Templates and builds through the SDK on a real server: a build from a directory, its log, sandboxes from the
template, a snapshot of one, cancel, and the errors of each."""

from __future__ import annotations

import unittest

from wrenn import BadRequestError, ConflictError, NotFoundError

from . import fixture


class BuildTest(unittest.TestCase):
    def test_a_build_from_a_directory_logs_its_steps_and_makes_a_template(self) -> None:
        c = fixture.client()
        build = fixture.built_template()
        self.assertEqual((build.status, build.steps_total, build.from_template), ("ready", 2, "minimal"))
        # One layered step (the COPY), run here or taken from a layer an earlier run on this server left.
        self.assertEqual((build.memory_mb, build.steps_run + build.steps_cached), (1024, 1))
        self.assertIsNotNone(build.finished_at)
        self.assertEqual(c.builds.get(build.id).status, "ready")
        self.assertIn(build.id, [b.id for b in c.builds.list(name=build.name)])
        entries = list(c.builds.logs(build.id, follow=True))
        self.assertEqual(entries[-1].kind, "end")
        steps = [e for e in entries if e.kind == "step"]
        self.assertEqual([e.line for e in steps], [4, 5])  # ENV and COPY, by their lines in the recipe
        self.assertIn("COPY greet.py", steps[1].text)
        after = list(c.builds.logs(build.id, follow=False, after=entries[-2].seq))
        self.assertEqual([e.seq for e in after], [entries[-1].seq])
        names = {t.name: t for t in c.templates.list(type="snapshot")}
        self.assertIn(build.name, names)
        self.assertEqual([t.name for t in c.templates.list(type="base")], ["minimal"])

    def test_the_same_recipe_again_comes_from_the_cache(self) -> None:
        c = fixture.client()
        again = c.builds.start(f"sdk-cached-{fixture.RUN}", context=fixture.BUILD_CONTEXT)
        self.assertIn(again.status, ("queued", "building"))
        seen: list[str] = []
        done = c.builds.wait(again.id, on_log=lambda e: seen.append(e.kind))
        self.assertEqual((done.status, done.steps_cached, done.steps_run), ("ready", 1, 0))
        self.assertEqual(seen[-1], "end")
        rebuilt = c.builds.wait(c.builds.rebuild(done.name).id)
        self.assertEqual((rebuilt.name, rebuilt.status, rebuilt.steps_run), (done.name, "ready", 0))
        c.templates.delete(done.name)
        self.assertNotIn(done.name, [t.name for t in c.templates.list()])

    def test_a_build_cancelled_in_its_step(self) -> None:
        c = fixture.client()
        # From the suite's template, the step's sandbox is a clone: no boot of the base image to wait out.
        recipe = f"FROM {fixture.built_template().name}\nRUN sleep 600\n"
        build = c.builds.start(f"sdk-cancel-{fixture.RUN}", recipe, no_cache=True)
        for entry in c.builds.logs(build.id, follow=True):
            if entry.kind == "step":
                self.assertEqual(entry.line, 2)
                break
        self.assertEqual(c.builds.cancel(build.id).status, "cancelled")
        ended = c.builds.wait(build.id)
        self.assertEqual((ended.status, ended.error), ("cancelled", "cancelled"))
        self.assertEqual(list(c.builds.logs(build.id, follow=False))[-1].text, "cancelled")
        with self.assertRaises(ConflictError):
            c.builds.cancel(build.id)

    def test_bad_recipes_and_unknown_builds(self) -> None:
        c = fixture.client()
        with self.assertRaises(BadRequestError) as bad:
            c.builds.start("sdk-bad", "FROM minimal\nADD x /x\n")
        self.assertEqual(bad.exception.code, "invalid_recipe")
        with self.assertRaises(BadRequestError) as missing:
            c.builds.start("sdk-bad", "FROM minimal\nCOPY not-in-context.txt /x\n", context=fixture.BUILD_CONTEXT)
        self.assertEqual(missing.exception.code, "invalid_recipe")
        with self.assertRaises(NotFoundError):
            c.builds.get("bld_doesnotexist")
        with self.assertRaises(NotFoundError):
            c.builds.logs("bld_doesnotexist")  # raised by the call, before any iteration
        with self.assertRaises(ValueError):
            c.builds.start("sdk-bad")


class TemplateTest(unittest.TestCase):
    def test_a_sandbox_saved_as_a_template_starts_new_ones_in_its_state(self) -> None:
        c = fixture.client()
        source = fixture.sandbox()
        source.files.write("/root/saved.txt", b"state at the snapshot")
        name = f"sdk-snap-{fixture.RUN}"
        template = source.snapshot(name)
        self.assertEqual((template.name, template.type), (name, "snapshot"))
        self.assertEqual(source.status, "stopped", "the snapshot's source is destroyed")
        with self.assertRaises(ConflictError) as taken:
            c.templates.snapshot(fixture.shared_sandbox().id, name)
        self.assertEqual(taken.exception.code, "name_taken")
        with c.sandboxes.create(name) as clone:
            self.assertEqual(clone.files.read("/root/saved.txt"), b"state at the snapshot")
            with self.assertRaises(ConflictError) as in_use:
                c.templates.delete(name)
            self.assertEqual(in_use.exception.code, "template_in_use")
        c.templates.delete(name)
        with self.assertRaises(NotFoundError):
            c.templates.delete(name)


if __name__ == "__main__":
    unittest.main()
