"""Sandboxes through the SDK on a real server: create with options, get, list and its filters, pause and resume,
time-to-live, ping, connect, network, metrics, the context manager, and the errors of each."""

from __future__ import annotations

import unittest

from wrenn import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NetworkPolicy,
    NotFoundError,
    Sandbox,
    Wrenn,
)

from . import fixture


class SandboxLifecycleTest(unittest.TestCase):
    def test_a_sandbox_from_create_through_pause_and_resume_to_its_end(self) -> None:
        c = fixture.client()
        template = fixture.built_template().name
        with c.sandboxes.create(
            template,
            metadata={"suite": fixture.RUN, "role": "lifecycle"},
            env_vars={"SDK_SECRET": "s3cret"},
            ttl_sec=3600,
            on_timeout="pause",
            timeout_sec=0,
        ) as sb:
            self.assertEqual(sb.status, "running")
            self.assertEqual(sb.info.template, template)
            self.assertEqual(sb.metadata, {"suite": fixture.RUN, "role": "lifecycle"})
            self.assertEqual((sb.info.ttl_sec, sb.info.on_timeout), (3600, "pause"))
            self.assertIsNotNone(sb.info.end_at)
            self.assertIsNotNone(sb.info.created_at)
            # The sandbox-wide variable, and the template's ENV, reach every process.
            out = sb.commands.run("echo $SDK_SECRET; python3 /srv/app/greet.py").stdout
            self.assertEqual(out, "s3cret\nhello from a template\n")

            got = c.sandboxes.get(sb.id)
            self.assertEqual((got.id, got.status), (sb.id, "running"))

            sb.commands.run("echo kept > /root/state")
            sb.processes.start("sleep 600", tag="survivor")
            self.assertEqual(sb.pause().status, "paused")
            with self.assertRaises(ConflictError) as paused:
                sb.commands.run("true")
            self.assertEqual((paused.exception.code, paused.exception.status), ("sandbox_not_running", 409))
            with self.assertRaises(ConflictError) as again:
                sb.pause()
            self.assertEqual(again.exception.code, "sandbox_not_running")

            self.assertEqual(sb.resume().status, "running")
            with self.assertRaises(ConflictError) as not_paused:
                sb.resume()
            self.assertEqual(not_paused.exception.code, "sandbox_not_paused")
            self.assertEqual(sb.files.read_text("/root/state"), "kept\n")
            self.assertIn("survivor", [p.tag for p in sb.processes.list()])

            self.assertIsNone(sb.set_timeout(0).end_at)
            self.assertEqual(sb.set_timeout(600).ttl_sec, 600)
            self.assertIsNotNone(sb.info.end_at)
            sb.ping()
            self.assertEqual(sb.connect().status, "running")
            self.assertEqual(c.sandboxes.connect(sb.id).id, sb.id)
            self.assertEqual(sb.refresh().status, "running")
            sandbox_id = sb.id
        # Leaving the block destroyed it, for real: the server says so, and it runs nothing any more.
        self.assertEqual(c.sandboxes.info(sandbox_id).status, "stopped")
        with self.assertRaises(ConflictError):
            c.sandboxes.get(sandbox_id).commands.run("true")

    def test_a_failing_block_still_destroys_its_sandbox_and_keeps_its_own_error(self) -> None:
        c = fixture.client()
        with self.assertRaises(ZeroDivisionError):
            with fixture.sandbox() as sb:
                sandbox_id = sb.id
                1 / 0
        self.assertEqual(c.sandboxes.info(sandbox_id).status, "stopped")

    def test_a_network_policy_at_create_and_replaced_later_then_destroyed_by_id(self) -> None:
        c = fixture.client()
        policy = NetworkPolicy(allow_internet_access=False, allow_out=["10.0.0.0/8"])
        sb = fixture.sandbox(network=policy)
        self.assertEqual(sb.info.network, policy)
        self.assertEqual(sb.network(), policy)
        self.assertEqual(sb.set_network(NetworkPolicy()), NetworkPolicy())
        with self.assertRaises(BadRequestError):
            sb.set_network(NetworkPolicy(allow_out=["not a network or domain!"]))
        self.assertIsInstance(sb.metrics(), list)
        c.sandboxes.destroy(sb.id)
        self.assertEqual(c.sandboxes.info(sb.id).status, "stopped")
        c.sandboxes.destroy(sb.id)  # a second destroy is fine


class SandboxListTest(unittest.TestCase):
    def test_filters_by_status_template_and_metadata_and_pages(self) -> None:
        c = fixture.client()
        shared = fixture.shared_sandbox()
        mine = c.sandboxes.list(metadata={"suite": fixture.RUN})
        self.assertIn(shared.id, [s.id for s in mine])
        self.assertTrue(all(s.metadata.get("suite") == fixture.RUN for s in mine))
        self.assertEqual(c.sandboxes.list(metadata={"suite": "no-such-run"}), [])
        self.assertIn(shared.id, [s.id for s in c.sandboxes.list(status=["running", "paused"])])
        self.assertNotIn(shared.id, [s.id for s in c.sandboxes.list(status="stopped")])
        self.assertIn(shared.id, [s.id for s in c.sandboxes.list(template=shared.info.template)])
        self.assertNotIn(shared.id, [s.id for s in c.sandboxes.list(template="minimal")])

        everything = [s.id for s in c.sandboxes.list()]
        paged: list[str] = []
        cursor = None
        while True:
            page = c.sandboxes.list_page(limit=1, cursor=cursor)
            paged += [s.id for s in page.sandboxes]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        self.assertEqual(paged[: len(everything)], everything)


class SandboxErrorsTest(unittest.TestCase):
    def test_an_unknown_sandbox_is_not_found_with_its_code(self) -> None:
        c = fixture.client()
        for call in (lambda: c.sandboxes.get("sb-doesnotexist"), lambda: c.sandboxes.connect("sb-doesnotexist")):
            with self.assertRaises(NotFoundError) as caught:
                call()
            self.assertEqual((caught.exception.code, caught.exception.status), ("not_found", 404))
            self.assertIn("sb-doesnotexist", caught.exception.message)

    def test_bad_input_is_a_bad_request(self) -> None:
        c = fixture.client()
        for kwargs in ({"vcpus": 0}, {"memory_mb": 1}, {"on_timeout": "explode"}, {"template": "no-such-template"}):
            with self.subTest(**kwargs), self.assertRaises(BadRequestError) as caught:
                c.sandboxes.create(**kwargs)  # type: ignore[arg-type]
            self.assertEqual((caught.exception.code, caught.exception.status), ("invalid_request", 400))
        with self.assertRaises(BadRequestError):
            fixture.shared_sandbox().set_timeout(-1)

    def test_a_wrong_key_is_an_authentication_error(self) -> None:
        with Wrenn(api_key="wrn_" + "0" * 48, base_url=fixture.client().base_url) as stranger:
            with self.assertRaises(AuthenticationError) as caught:
                stranger.sandboxes.list()
            self.assertEqual((caught.exception.code, caught.exception.status), ("unauthorized", 401))
            # WebSocket routes check the key before the upgrade, in the same envelope.
            foreign = Sandbox(stranger._transport, fixture.shared_sandbox().info)
            with self.assertRaises(AuthenticationError) as upgrade:
                foreign.terminal()
            self.assertEqual((upgrade.exception.code, upgrade.exception.status), ("unauthorized", 401))


if __name__ == "__main__":
    unittest.main()
