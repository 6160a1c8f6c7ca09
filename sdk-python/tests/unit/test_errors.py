"""The API's error envelope to typed exceptions."""

from __future__ import annotations

import unittest

from wrenn import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DeadlineExceededError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitError,
    ServerError,
    StreamError,
    WrennError,
)
from wrenn.errors import CODE_STATUS, error_for, error_from_body


def envelope(code: str, message: str) -> bytes:
    return ('{"error":{"code":"%s","message":"%s"}}' % (code, message)).encode()


class ErrorMappingTest(unittest.TestCase):
    def test_each_status_has_its_class_and_keeps_code_message_and_status(self) -> None:
        cases = [
            (400, "invalid_request", BadRequestError),
            (401, "unauthorized", AuthenticationError),
            (403, "permission_denied", AuthenticationError),
            (404, "not_found", NotFoundError),
            (404, "file_not_found", NotFoundError),
            (409, "sandbox_not_running", ConflictError),
            (413, "payload_too_large", PayloadTooLargeError),
            (429, "rate_limited", RateLimitError),
            (500, "internal_error", ServerError),
            (502, "host_agent_error", ServerError),
            (503, "template_building", ServerError),
            (504, "execution_timeout", DeadlineExceededError),
            (507, "insufficient_storage", ServerError),
        ]
        for status, code, cls in cases:
            with self.subTest(status=status, code=code):
                e = error_from_body(status, envelope(code, "why"))
                self.assertIs(type(e), cls)
                self.assertIsInstance(e, WrennError)
                self.assertEqual((e.status, e.code, e.message), (status, code, "why"))
                self.assertEqual(str(e), f"{status} {code}: why")

    def test_a_deadline_is_also_a_builtin_timeout_and_a_server_error(self) -> None:
        e = error_from_body(504, envelope("host_agent_timeout", "slow host"))
        self.assertIsInstance(e, TimeoutError)
        self.assertIsInstance(e, ServerError)

    def test_retry_after_is_read_from_the_header(self) -> None:
        e = error_from_body(429, envelope("quota_exceeded", "100 sandboxes"), "7")
        assert isinstance(e, RateLimitError)
        self.assertEqual(e.retry_after, 7.0)
        self.assertIsNone(error_from_body(429, envelope("rate_limited", "x"), "soon").retry_after)  # type: ignore

    def test_a_body_without_an_envelope_keeps_its_text(self) -> None:
        e = error_from_body(502, b"Bad Gateway from a proxy")
        self.assertIs(type(e), ServerError)
        self.assertIsNone(e.code)
        self.assertEqual(e.message, "Bad Gateway from a proxy")
        self.assertEqual(error_from_body(500, b"").message, "HTTP 500")
        self.assertEqual(error_from_body(400, b"\xff not json").message, "\ufffd not json")

    def test_an_unexpected_status_is_a_plain_wrenn_error(self) -> None:
        e = error_from_body(405, envelope("method_not_allowed", "no"))
        self.assertIs(type(e), WrennError)
        self.assertEqual(e.status, 405)

    def test_an_error_inside_a_stream_takes_its_codes_usual_status(self) -> None:
        e = error_for(None, "sandbox_not_running", "paused while it ran")
        self.assertIs(type(e), ConflictError)
        self.assertEqual(e.status, 409)
        self.assertIs(type(error_for(None, "execution_timeout", "cell too slow")), DeadlineExceededError)
        unknown = error_for(None, "something_new", "?")
        self.assertIs(type(unknown), StreamError)
        self.assertIsNone(unknown.status)

    def test_every_code_of_the_contract_is_known(self) -> None:
        # The Error schema's enum in api/openapi.yaml, read without a YAML parser.
        import pathlib
        import re

        spec = pathlib.Path(__file__).resolve().parents[3] / "api" / "openapi.yaml"
        text = spec.read_text()
        block = text[text.index("              enum:\n                - bad_request") :]
        codes = re.findall(r"^                - (\w+)$", block, re.M)
        self.assertGreater(len(codes), 20)
        self.assertEqual(sorted(codes), sorted(CODE_STATUS))


if __name__ == "__main__":
    unittest.main()
