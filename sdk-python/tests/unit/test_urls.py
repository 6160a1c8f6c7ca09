"""URLs and query strings, built the way the API reads them."""

from __future__ import annotations

import os
import unittest
from unittest import mock

from wrenn import Wrenn
from wrenn._http import Endpoint, query_string, segment
from wrenn.sandboxes import _list_query


class EndpointTest(unittest.TestCase):
    def test_default_ports_and_a_path_prefix(self) -> None:
        self.assertEqual(Endpoint.parse("http://localhost"), Endpoint("http", "localhost", 80, ""))
        self.assertEqual(Endpoint.parse("https://w.example.com/"), Endpoint("https", "w.example.com", 443, ""))
        e = Endpoint.parse("https://w.example.com:8443/wrenn/")
        self.assertEqual((e.port, e.prefix), (8443, "/wrenn"))
        self.assertEqual(e.target("/v1/sandboxes"), "/wrenn/v1/sandboxes")
        self.assertEqual(e.url("/v1/sandboxes"), "https://w.example.com:8443/wrenn/v1/sandboxes")
        self.assertEqual(Endpoint.parse("http://[::1]:9090").url("/v1"), "http://[::1]:9090/v1")
        self.assertEqual(Endpoint.parse("http://h:80").url("/v1"), "http://h/v1")

    def test_what_is_not_an_api_url_is_refused(self) -> None:
        for bad in ("localhost:8080", "ftp://h", "http://", "http://h/?x=1", "http://h/#f"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                Endpoint.parse(bad)
        with self.assertRaises(ValueError):
            Endpoint.parse("http://h").target("v1/no-slash")


class QueryTest(unittest.TestCase):
    def test_values_lists_booleans_and_absent_ones(self) -> None:
        q = query_string({"path": "/root/a b", "depth": 2, "recursive": True, "user": None, "x": False})
        self.assertEqual(q, "?path=%2Froot%2Fa%20b&depth=2&recursive=true&x=false")
        self.assertEqual(query_string({"a": None}), "")
        self.assertEqual(query_string(None), "")

    def test_list_filters_repeat_and_metadata_pairs_are_encoded_whole(self) -> None:
        q = query_string(_list_query(["running", "paused"], "minimal", {"app": "web", "k=": "v&w"}))
        self.assertEqual(
            q, "?status=running&status=paused&template=minimal&metadata=app%3Dweb&metadata=k%3D%3Dv%26w"
        )
        self.assertEqual(query_string(_list_query("running", None, None)), "?status=running")

    def test_a_path_segment_can_never_reach_another_route(self) -> None:
        self.assertEqual(segment("sb-abc"), "sb-abc")
        self.assertEqual(segment("../../v1/api-keys"), "..%2F..%2Fv1%2Fapi-keys")
        self.assertEqual(segment("a?b#c d"), "a%3Fb%23c%20d")
        self.assertEqual(segment(42), "42")
        with self.assertRaises(ValueError):
            segment("")


class ClientConfigTest(unittest.TestCase):
    def test_the_environment_gives_the_defaults(self) -> None:
        env = {"WRENN_API_KEY": "wrn_env", "WRENN_URL": "http://api.example:9090"}
        with mock.patch.dict(os.environ, env, clear=True):
            c = Wrenn()
            self.assertEqual(c.base_url, "http://api.example:9090")
            self.assertEqual(c._transport.api_key, "wrn_env")
            self.assertEqual(Wrenn("wrn_arg", "https://other").base_url, "https://other")

    def test_the_clis_variable_and_then_the_readme_port(self) -> None:
        with mock.patch.dict(os.environ, {"WRENN_API_KEY": "k", "WRENN_URL": "http://cli:1"}, clear=True):
            self.assertEqual(Wrenn().base_url, "http://cli:1")
        with mock.patch.dict(os.environ, {"WRENN_API_KEY": "k"}, clear=True):
            self.assertEqual(Wrenn().base_url, "http://localhost:8080")

    def test_no_key_is_a_clear_error(self) -> None:
        with mock.patch.dict(os.environ, {}, clear=True), self.assertRaisesRegex(ValueError, "WRENN_API_KEY"):
            Wrenn()


if __name__ == "__main__":
    unittest.main()
