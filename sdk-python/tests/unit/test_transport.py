"""The HTTP transport against a real HTTP server on loopback (the standard library's), plain and TLS."""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from wrenn import ConflictError, NotFoundError
from wrenn._http import Transport
from wrenn._multipart import Part, encode
from wrenn._ws import WebSocket

from .wsserver import Peer, ScriptedServer


class Recorder(BaseHTTPRequestHandler):
    """Answers by the test's ``route`` function; records each request with the client's port."""

    protocol_version = "HTTP/1.1"
    route: Callable[[Recorder, bytes], tuple[int, dict[str, str], bytes]]
    seen: list[dict[str, Any]]

    def log_message(self, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding") == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self) -> None:
        body = self._body()
        self.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                          "port": self.client_address[1], "body": body})
        status, headers, out = type(self).route(self, body)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_DELETE = _answer


def serve(route: Callable[..., tuple[int, dict[str, str], bytes]], tls: ssl.SSLContext | None = None):
    handler = type("Handler", (Recorder,), {"route": staticmethod(route), "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, handler.seen


class TransportTest(unittest.TestCase):
    def start(self, route, tls=None, scheme="http", **kwargs) -> tuple[Transport, list[dict[str, Any]]]:
        server, seen = serve(route, tls)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        t = Transport(f"{scheme}://127.0.0.1:{server.server_address[1]}/base", "wrn_test", 5.0, **kwargs)
        self.addCleanup(t.close)
        return t, seen

    def test_json_goes_with_the_key_and_comes_back_parsed(self) -> None:
        t, seen = self.start(lambda h, b: (201, {"Content-Type": "application/json"}, b'{"id":"sb-1"}'))
        self.assertEqual(t.json("POST", "/v1/sandboxes", json_body={"template": "minimal"}), {"id": "sb-1"})
        r = seen[0]
        self.assertEqual((r["method"], r["path"]), ("POST", "/base/v1/sandboxes"))
        self.assertEqual(r["headers"]["X-API-Key"], "wrn_test")
        self.assertEqual(r["headers"]["Content-Type"], "application/json")
        self.assertTrue(r["headers"]["User-Agent"].startswith("wrenn-python/"))
        self.assertEqual(json.loads(r["body"]), {"template": "minimal"})

    def test_an_error_answer_raises_its_typed_error(self) -> None:
        body = b'{"error":{"code":"sandbox_not_running","message":"sandbox is paused"}}'
        t, _ = self.start(lambda h, b: (409, {"Content-Type": "application/json"}, body))
        with self.assertRaises(ConflictError) as caught:
            t.request("POST", "/v1/sandboxes/sb-1/exec", json_body={"cmd": "true"})
        self.assertEqual((caught.exception.code, caught.exception.status), ("sandbox_not_running", 409))

    def test_connections_are_kept_alive_between_requests(self) -> None:
        t, seen = self.start(lambda h, b: (200, {}, b"[]"))
        for _ in range(3):
            t.json("GET", "/v1/sandboxes")
        self.assertEqual(len({r["port"] for r in seen}), 1)

    def test_a_kept_connection_the_server_dropped_is_replaced_once(self) -> None:
        def route(handler: Recorder, body: bytes) -> tuple[int, dict[str, str], bytes]:
            handler.close_connection = True  # drops the connection after answering, without saying so
            return 200, {}, b"{}"

        t, seen = self.start(route)
        t.json("GET", "/v1/sandboxes/a")
        t.json("GET", "/v1/sandboxes/b")
        self.assertEqual([r["path"] for r in seen], ["/base/v1/sandboxes/a", "/base/v1/sandboxes/b"])
        self.assertEqual(len({r["port"] for r in seen}), 2)

    def test_a_streamed_upload_is_chunked_multipart_with_the_path_first(self) -> None:
        t, seen = self.start(lambda h, b: (204, {}, b""))
        chunks = (bytes([i]) * 100_000 for i in range(5))
        content_type, body = encode([Part("path", "/root/big.bin"),
                                     Part("file", chunks, filename="big.bin", content_type="application/octet-stream")])
        t.request("POST", "/v1/sandboxes/sb-1/files/stream/write", body=body, content_type=content_type)
        r = seen[0]
        self.assertEqual(r["headers"]["Transfer-Encoding"], "chunked")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {r['headers']['Content-Type']}\r\n\r\n".encode() + r["body"])
        parts = list(message.iter_parts())
        self.assertEqual([p.get_param("name", header="content-disposition") for p in parts], ["path", "file"])
        self.assertEqual(parts[0].get_content(), "/root/big.bin")
        self.assertEqual(parts[1].get_filename(), "big.bin")
        self.assertEqual(parts[1].get_content(), b"".join(bytes([i]) * 100_000 for i in range(5)))

    def test_an_in_memory_form_has_a_length(self) -> None:
        t, seen = self.start(lambda h, b: (204, {}, b""))
        content_type, body = encode([Part("path", "/a"), Part("file", b"abc", filename="a")])
        t.request("POST", "/v1/x", body=body, content_type=content_type)
        self.assertEqual(seen[0]["headers"]["Content-Length"], str(len(body)))  # type: ignore[arg-type]

    def test_a_streamed_answer_is_read_as_it_arrives(self) -> None:
        t, _ = self.start(lambda h, b: (200, {"Content-Type": "application/x-ndjson"}, b'{"seq":1}\n{"seq":2}\n'))
        stream = t.stream("GET", "/v1/templates/builds/b/logs", query={"follow": "true"})
        self.assertEqual([json.loads(line) for line in stream.lines()], [{"seq": 1}, {"seq": 2}])
        stream.close()

    def test_a_streamed_answer_that_is_an_error_raises(self) -> None:
        body = b'{"error":{"code":"file_not_found","message":"no /nope"}}'
        t, _ = self.start(lambda h, b: (404, {}, body))
        with self.assertRaises(NotFoundError) as caught:
            t.stream("POST", "/v1/sandboxes/s/files/stream/read", json_body={"path": "/nope"})
        self.assertEqual(caught.exception.code, "file_not_found")


class TlsTest(unittest.TestCase):
    """HTTPS and WSS against a certificate made here (openssl comes with ca-certificates)."""

    @classmethod
    def setUpClass(cls) -> None:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise AssertionError("openssl is missing: run scripts/install-deps.sh (ca-certificates brings it)")
        cls.dir = tempfile.mkdtemp()
        cls.cert, key = os.path.join(cls.dir, "cert.pem"), os.path.join(cls.dir, "key.pem")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cls.cert,
             "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True)
        cls.server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cls.server_tls.load_cert_chain(cls.cert, key)
        cls.client_tls = ssl.create_default_context(cafile=cls.cert)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.dir)

    def test_https_with_the_servers_certificate_verified(self) -> None:
        server, _ = serve(lambda h, b: (200, {}, b'{"ok":true}'), self.server_tls)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"https://127.0.0.1:{server.server_address[1]}"
        t = Transport(url, "k", 5.0, self.client_tls)
        self.assertEqual(t.json("GET", "/v1/sandboxes"), {"ok": True})
        t.close()
        untrusting = Transport(url, "k", 5.0)
        with self.assertRaises(ssl.SSLCertVerificationError):
            untrusting.json("GET", "/v1/sandboxes")

    def test_wss_exchanges_messages_over_tls(self) -> None:
        def handler(peer: Peer) -> None:
            opcode, data = peer.read_message()
            peer.send(opcode, data.upper())
            peer.close()

        server = ScriptedServer(handler, tls=self.server_tls)
        ws = WebSocket.connect("127.0.0.1", server.port, "/v1/x", secure=True, ssl_context=self.client_tls, timeout=5)
        ws.send_text("over tls " * 1000)
        self.assertEqual(ws.recv().text, "OVER TLS " * 1000)  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()


if __name__ == "__main__":
    unittest.main()
