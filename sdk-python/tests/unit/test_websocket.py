"""The RFC 6455 client against a scripted server on loopback: handshake, masking, lengths, fragments,
control frames, closing, protocol errors and timeouts."""

from __future__ import annotations

import base64
import threading
import unittest

from wrenn import NotFoundError, RateLimitError, WebSocketError
from wrenn._ws import WebSocket, accept_key, encode_frame, mask

from .wsserver import Peer, ScriptedServer

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def connect(server: ScriptedServer, **kwargs: object) -> WebSocket:
    return WebSocket.connect(
        "127.0.0.1", server.port, "/v1/x/stream?a=1", headers={"X-API-Key": "k"}, timeout=5, **kwargs
    )  # type: ignore[arg-type]


class HandshakeTest(unittest.TestCase):
    def test_the_accept_key_of_rfc_6455_section_1_3(self) -> None:
        self.assertEqual(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")

    def test_the_request_carries_a_fresh_key_the_version_and_the_api_key(self) -> None:
        server = ScriptedServer(lambda peer: peer.close())
        ws = connect(server)
        self.assertIsNone(ws.recv())
        server.join()
        h = server.request_headers
        self.assertEqual(server.request_line, "GET /v1/x/stream?a=1 HTTP/1.1")
        self.assertEqual(h["upgrade"], "websocket")
        self.assertEqual(h["connection"], "Upgrade")
        self.assertEqual(h["sec-websocket-version"], "13")
        self.assertEqual(len(base64.b64decode(h["sec-websocket-key"])), 16)
        self.assertEqual(h["x-api-key"], "k")
        self.assertEqual(h["host"], f"127.0.0.1:{server.port}")

    def test_a_wrong_accept_key_is_refused(self) -> None:
        server = ScriptedServer(accept=base64.b64encode(b"x" * 20).decode())
        with self.assertRaisesRegex(WebSocketError, "Sec-WebSocket-Accept"):
            connect(server)
        server.join()

    def test_an_extension_nobody_offered_is_refused(self) -> None:
        server = ScriptedServer(headers={"Sec-WebSocket-Extensions": "permessage-deflate"})
        with self.assertRaisesRegex(WebSocketError, "extension"):
            connect(server)
        server.join()

    def test_a_refused_upgrade_raises_the_api_error_from_its_envelope(self) -> None:
        body = b'{"error":{"code":"not_found","message":"sandbox \'sb-x\' not found"}}'
        server = ScriptedServer(status=404, body=body)
        with self.assertRaises(NotFoundError) as caught:
            connect(server)
        server.join()
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "not_found"))
        self.assertEqual(caught.exception.message, "sandbox 'sb-x' not found")

    def test_a_refusal_for_too_many_streams_says_when_to_retry(self) -> None:
        body = b'{"error":{"code":"too_many_streams","message":"32 streams"}}'
        server = ScriptedServer(status=429, body=body, headers={"Retry-After": "3"})
        with self.assertRaises(RateLimitError) as caught:
            connect(server)
        server.join()
        self.assertEqual(caught.exception.retry_after, 3.0)

    def test_a_frame_in_the_same_packet_as_the_handshake_answer_is_kept(self) -> None:
        server = ScriptedServer(lambda peer: peer.close(), after_head=Peer.frame(TEXT, b"early"))
        ws = connect(server)
        self.assertEqual(ws.recv().text, "early")  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()


class FramingTest(unittest.TestCase):
    SIZES = [0, 1, 125, 126, 127, 65535, 65536, 200_003]

    def test_client_frames_are_masked_with_every_length_encoding(self) -> None:
        got: list[tuple[int, bytes]] = []

        def handler(peer: Peer) -> None:
            for _ in self.SIZES:
                got.append(peer.read_message())
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        for n in self.SIZES:
            ws.send_binary(bytes(i % 251 for i in range(n)))
        self.assertIsNone(ws.recv())
        server.join()
        self.assertEqual([len(d) for _, d in got], self.SIZES)
        for n, (opcode, data) in zip(self.SIZES, got):
            self.assertEqual(opcode, BINARY)
            self.assertEqual(data, bytes(i % 251 for i in range(n)))

    def test_each_frame_has_a_fresh_mask(self) -> None:
        frames = [encode_frame(BINARY, b"same", key=k) for k in (b"\x01\x02\x03\x04", b"\x05\x06\x07\x08")]
        self.assertNotEqual(frames[0], frames[1])
        self.assertEqual(mask(mask(b"round trip", b"abcd"), b"abcd"), b"round trip")

    def test_server_messages_of_every_length_encoding_arrive_whole(self) -> None:
        def handler(peer: Peer) -> None:
            for n in self.SIZES:
                peer.send(BINARY, bytes(i % 7 for i in range(n)))
            peer.send(TEXT, "héllo".encode())
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        for n in self.SIZES:
            m = ws.recv()
            self.assertEqual((m.opcode, m.data), (BINARY, bytes(i % 7 for i in range(n))))  # type: ignore
        self.assertEqual(ws.recv().text, "héllo")  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()

    def test_a_fragmented_message_with_a_ping_between_fragments(self) -> None:
        pongs: list[bytes] = []
        word = "Hello wörld".encode()  # the ö's two bytes are split across fragments

        def handler(peer: Peer) -> None:
            peer.send(TEXT, word[:3], fin=False)
            peer.send(PING, b"are you there")
            peer.send(0x0, word[3:8], fin=False)
            peer.send(0x0, word[8:], fin=True)
            fin, opcode, payload, masked = peer.read_frame()
            self.assertTrue(masked)
            pongs.append(payload if opcode == PONG else b"not a pong")
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        self.assertEqual(ws.recv().text, "Hello wörld")  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()
        self.assertEqual(pongs, [b"are you there"])

    def test_the_client_can_send_a_message_in_fragments(self) -> None:
        frames: list[tuple[bool, int, bytes]] = []

        def handler(peer: Peer) -> None:
            while True:
                fin, opcode, payload, masked = peer.read_frame()
                frames.append((fin, opcode, payload))
                if fin:
                    break
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        ws.send_text("fragmented", frame_size=4)
        self.assertIsNone(ws.recv())
        server.join()
        self.assertEqual(frames, [(False, TEXT, b"frag"), (False, 0, b"ment"), (True, 0, b"ed")])

    def test_a_ping_from_the_client_is_a_masked_ping(self) -> None:
        seen: list[tuple[int, bytes, bool]] = []

        def handler(peer: Peer) -> None:
            _, opcode, payload, masked = peer.read_frame()
            seen.append((opcode, payload, masked))
            peer.send(PONG, payload)
            peer.send(TEXT, b"after pong")
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        ws.ping(b"x")
        self.assertEqual(ws.recv().text, "after pong")  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()
        self.assertEqual(seen, [(PING, b"x", True)])


class CloseTest(unittest.TestCase):
    def test_a_close_from_the_server_is_echoed_and_reported(self) -> None:
        echoed: list[tuple[int, bytes, bool]] = []

        def handler(peer: Peer) -> None:
            peer.close(1008, "not_found")
            _, opcode, payload, masked = peer.read_frame()
            echoed.append((opcode, payload, masked))

        server = ScriptedServer(handler)
        ws = connect(server)
        self.assertIsNone(ws.recv())
        server.join()
        self.assertEqual((ws.close_code, ws.close_reason), (1008, "not_found"))
        self.assertTrue(ws.closed)
        self.assertEqual(echoed, [(CLOSE, (1008).to_bytes(2, "big"), True)])

    def test_a_close_from_the_client_waits_for_the_answer(self) -> None:
        got: list[bytes] = []

        def handler(peer: Peer) -> None:
            peer.send(TEXT, b"unread")  # data in flight when the client closes is passed over
            _, opcode, payload, _ = peer.read_frame()
            got.append(payload)
            peer.close(1000)

        server = ScriptedServer(handler)
        ws = connect(server)
        ws.close(1000, "done")
        server.join()
        self.assertEqual(got, [(1000).to_bytes(2, "big") + b"done"])
        self.assertEqual(ws.close_code, 1000)
        self.assertTrue(ws.closed)
        ws.close()  # a second close does nothing
        with self.assertRaises(WebSocketError):
            ws.send_text("too late")

    def test_a_close_from_another_thread_wakes_a_blocked_reader(self) -> None:
        release = threading.Event()

        def handler(peer: Peer) -> None:
            peer.read_frame()  # the client's close
            release.wait(5)

        server = ScriptedServer(handler)
        ws = connect(server)
        results: list[object] = []
        reader = threading.Thread(target=lambda: results.append(ws.recv()))
        reader.start()
        ws.close()
        reader.join(5)
        release.set()
        server.join()
        self.assertFalse(reader.is_alive())
        self.assertEqual(results, [None])
        self.assertTrue(ws.closed)

    def test_a_connection_that_drops_without_a_close_frame_is_an_error(self) -> None:
        server = ScriptedServer(lambda peer: peer.send(TEXT, b"last words"))
        ws = connect(server)
        self.assertEqual(ws.recv().text, "last words")  # type: ignore[union-attr]
        with self.assertRaisesRegex(WebSocketError, "without a close frame"):
            ws.recv()
        server.join()
        self.assertEqual(ws.close_code, 1006)


class ProtocolErrorTest(unittest.TestCase):
    """Each violation fails the connection with the close code RFC 6455 gives it."""

    def assert_failure(self, frames: list[bytes], close_code: int, pattern: str) -> None:
        answer: list[int] = []

        def handler(peer: Peer) -> None:
            for f in frames:
                peer.sock.sendall(f)
            try:
                _, opcode, payload, _ = peer.read_frame()
                answer.append(int.from_bytes(payload[:2], "big") if opcode == CLOSE else -opcode)
            except EOFError:
                answer.append(0)

        server = ScriptedServer(handler)
        ws = connect(server)
        with self.assertRaisesRegex(WebSocketError, pattern):
            while ws.recv() is not None:
                pass
        server.join()
        self.assertEqual(answer, [close_code])
        self.assertTrue(ws.closed)

    def test_a_masked_server_frame(self) -> None:
        self.assert_failure([Peer.frame(TEXT, b"hi", mask=b"abcd")], 1002, "masked frame")

    def test_reserved_bits_without_an_extension(self) -> None:
        self.assert_failure([Peer.frame(TEXT, b"hi", rsv=0x40)], 1002, "reserved bits")

    def test_an_unknown_opcode(self) -> None:
        self.assert_failure([Peer.frame(0x3, b"")], 1002, "unknown opcode")

    def test_a_continuation_with_nothing_to_continue(self) -> None:
        self.assert_failure([Peer.frame(0x0, b"orphan")], 1002, "continuation")

    def test_a_new_message_inside_a_fragmented_one(self) -> None:
        frames = [Peer.frame(TEXT, b"a", fin=False), Peer.frame(TEXT, b"b")]
        self.assert_failure(frames, 1002, "new message began")

    def test_a_fragmented_control_frame(self) -> None:
        self.assert_failure([Peer.frame(PING, b"x", fin=False)], 1002, "control frame")

    def test_a_control_frame_over_125_bytes(self) -> None:
        self.assert_failure([Peer.frame(PING, b"x" * 126)], 1002, "control frame")

    def test_a_close_code_no_endpoint_may_send(self) -> None:
        for code in (999, 1005, 1006, 1015, 2000, 5000):
            with self.subTest(code=code):
                self.assert_failure([Peer.frame(CLOSE, code.to_bytes(2, "big"))], 1002, "close frame with the code")

    def test_a_close_reason_that_is_not_utf8(self) -> None:
        self.assert_failure([Peer.frame(CLOSE, (1000).to_bytes(2, "big") + b"\xff")], 1007, "not UTF-8")

    def test_text_that_is_not_utf8(self) -> None:
        self.assert_failure([Peer.frame(TEXT, b"\xff\xfe")], 1007, "not UTF-8")

    def test_a_message_over_the_size_limit(self) -> None:
        answer: list[int] = []

        def handler(peer: Peer) -> None:
            peer.send(BINARY, b"x" * 2000)
            _, _, payload, _ = peer.read_frame()
            answer.append(int.from_bytes(payload[:2], "big"))

        server = ScriptedServer(handler)
        ws = connect(server, max_message=1000)
        with self.assertRaisesRegex(WebSocketError, "larger than 1000"):
            ws.recv()
        server.join()
        self.assertEqual(answer, [1009])


class TimeoutTest(unittest.TestCase):
    def test_a_read_that_times_out_mid_frame_loses_nothing(self) -> None:
        frame = Peer.frame(TEXT, b"x" * 300 + b" whole")
        half_sent, rest = threading.Event(), threading.Event()

        def handler(peer: Peer) -> None:
            peer.sock.sendall(frame[:150])
            half_sent.set()
            rest.wait(5)
            peer.sock.sendall(frame[150:])
            peer.close()

        server = ScriptedServer(handler)
        ws = connect(server)
        half_sent.wait(5)
        with self.assertRaises(TimeoutError):
            ws.recv(timeout=0.2)
        rest.set()
        self.assertEqual(ws.recv(timeout=5).text, "x" * 300 + " whole")  # type: ignore[union-attr]
        self.assertIsNone(ws.recv())
        server.join()


if __name__ == "__main__":
    unittest.main()
