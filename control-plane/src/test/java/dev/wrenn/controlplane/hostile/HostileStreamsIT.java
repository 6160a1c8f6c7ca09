package dev.wrenn.controlplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Socket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every WebSocket route of the contract gets frames no client should send (oversized, invalid UTF-8, a continuation
 * of nothing, binary where text is meant), messages out of order, clients that go silent or vanish, and the upload
 * routes get bodies cut short. Each ends in the documented close code, error message or 4xx envelope within
 * its deadline; the guest process a dead stream started is gone, its slot is free (the cap test opens every slot
 * afterwards), and nothing leaked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileStreamsIT {
    static final int MAX_STREAMS = 3;
    static final int IDLE_SEC = 6;

    static HostileFixture fx;
    static long attached;

    @BeforeAll
    static void start() {
        fx = new HostileFixture(Map.of(
                "WRENN_MAX_STREAMS_PER_SANDBOX", String.valueOf(MAX_STREAMS),
                "WRENN_STREAM_IDLE_TIMEOUT_SEC", String.valueOf(IDLE_SEC)));
        fx.takeBaseline();
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    private static List<String> routes() {
        String base = "/v1/sandboxes/" + fx.sandbox;
        return List.of(base + "/exec/stream", base + "/terminal", base + "/fs/watch?path=/tmp", attachPath());
    }

    private static String attachPath() {
        var started = fx.api.post(
                "/v1/sandboxes/" + fx.sandbox + "/processes", "{\"cmd\":\"sleep 3009\",\"tag\":\"hostile\"}");
        assertThat(started.status()).as(started.toString()).isIn(200, 201);
        attached = started.json().get("pid").asLong();
        return "/v1/sandboxes/" + fx.sandbox + "/processes/" + attached + "/stream";
    }

    @Test
    @Order(1)
    void brokenFramesCloseWithTheProtocolsCode() throws IOException {
        var failures = new ArrayList<String>();
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        byte[] badUtf8 = {(byte) 0xc3, (byte) 0x28, (byte) 0xff};
        for (String route : routes()) {
            record Case(String name, int opcode, boolean fin, byte[] payload, List<Integer> codes) {}
            for (var c : List.of(
                    new Case("oversized text", RawWs.TEXT, true, big, List.of(1009)),
                    new Case("oversized binary", RawWs.BINARY, true, big, List.of(1009)),
                    new Case("invalid UTF-8 text", RawWs.TEXT, true, badUtf8, List.of(1007)),
                    new Case("continuation of nothing", RawWs.CONTINUATION, true, new byte[] {'x'}, List.of(1002)),
                    new Case("text inside a fragmented text", RawWs.TEXT, false, new byte[] {'{'}, List.of(1002)))) {
                try (var ws = RawWs.open(fx.server.baseUri().getPort(), route, fx.auth())) {
                    assertThat(ws.status).as(route).isEqualTo(101);
                    try {
                        ws.frame(c.opcode(), c.fin(), c.payload());
                        if (!c.fin()) ws.frame(RawWs.TEXT, true, new byte[] {'}'});
                    } catch (IOException closedWhileSending) {
                        // The server may refuse an oversized frame by its header and close before the rest is sent.
                    }
                    var close = ws.untilClose();
                    if (close == null || !c.codes().contains(close.closeCode())) {
                        failures.add(route + " " + c.name() + ": "
                                + (close == null ? "no close frame" : close.closeCode() + " " + close.text()));
                    }
                } catch (IOException e) {
                    failures.add(route + " " + c.name() + ": " + e);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(2)
    void messagesOutOfOrderAreErrorsAndTheSocketStillWorks() throws Exception {
        try (var s = Socket.open(fx.server, fx.api, "/v1/sandboxes/" + fx.sandbox + "/exec/stream")) {
            s.send("not json {");
            assertError(s.next());
            s.sendBinary(new byte[] {0, 1, 2});
            s.send("{\"type\":\"stdin\",\"data\":\"early\"}");
            assertError(s.next());
            s.send("{\"type\":\"warp\"}");
            assertError(s.next());
            s.send("{\"type\":\"start\",\"cmd\":\"sleep 1; echo done\"}");
            assertThat(s.next().get("type").asString()).isEqualTo("start");
            s.send("{\"type\":\"start\",\"cmd\":\"echo second\"}");
            assertError(s.next());
            assertThat(s.next().get("data").asString()).isEqualTo("done\n");
            assertThat(s.next().get("type").asString()).isEqualTo("exit");
            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        try (var s = Socket.open(fx.server, fx.api, "/v1/sandboxes/" + fx.sandbox + "/exec/stream")) {
            s.send("{\"type\":\"start\",\"cmd\":5}");
            assertError(s.next());
            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        }
    }

    @Test
    @Order(3)
    void aClientThatVanishesTakesItsProcessWithIt() throws Exception {
        var ws = RawWs.open(fx.server.baseUri().getPort(), "/v1/sandboxes/" + fx.sandbox + "/exec/stream", fx.auth());
        ws.text("{\"type\":\"start\",\"cmd\":\"sleep 3001\"}");
        assertThat(ws.read().text()).contains("\"start\"");
        ws.close();
        awaitGone("sleep 300[1]");

        var term = RawWs.open(fx.server.baseUri().getPort(), "/v1/sandboxes/" + fx.sandbox + "/terminal", fx.auth());
        term.frame(RawWs.BINARY, true, "echo m$((40+2)); sleep 3002\n".getBytes(StandardCharsets.UTF_8));
        // The shell's own output (not the echo of the typed line) says the sleep is about to run.
        var screen = new StringBuilder();
        for (RawWs.Frame f; !screen.toString().contains("m42") && (f = term.read()) != null; ) {
            if (f.opcode() == RawWs.BINARY) screen.append(f.text());
        }
        assertThat(screen.toString()).contains("m42");
        term.close();
        awaitGone("sleep 300[2]");
    }

    @Test
    @Order(4)
    void aSilentClientIsClosedAfterTheIdleTimeout() throws Exception {
        var ws = RawWs.open(fx.server.baseUri().getPort(), "/v1/sandboxes/" + fx.sandbox + "/exec/stream", fx.auth());
        ws.text("{\"type\":\"start\",\"cmd\":\"sleep 3003\"}");
        assertThat(ws.read().text()).contains("\"start\"");
        long t0 = System.nanoTime();
        ws.soTimeout((IDLE_SEC + 20) * 1000);
        var close = ws.untilClose();
        long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(secs).as("closed after").isBetween((long) IDLE_SEC - 1, (long) IDLE_SEC + 15);
        if (close != null) assertThat(close.closeCode()).isIn(1001, 1011);
        ws.close();
        awaitGone("sleep 300[3]");
    }

    @Test
    @Order(5)
    void truncatedUploadsLeaveNoFileBehind() throws Exception {
        var failures = new ArrayList<String>();
        for (String route : List.of("files/write", "files/stream/write")) {
            String target = "/tmp/truncated-" + route.replace('/', '-');
            byte[] head = HostileGen.concat(
                    Multiparts.part("path", null, target),
                    ("--" + Multiparts.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\""
                                    + "\r\n\r\n" + "x".repeat(100_000))
                            .getBytes(StandardCharsets.UTF_8));
            String type = "multipart/form-data; boundary=" + Multiparts.BOUNDARY;
            String path = "/v1/sandboxes/" + fx.sandbox + "/" + route;
            String key = fx.key;
            byte[] lying = HostileGen.concat(
                    ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + key + "\r\nContent-Type: " + type
                                    + "\r\nContent-Length: " + (head.length + 1_000_000) + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1),
                    head);
            byte[] cutChunk = HostileGen.concat(
                    ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + key + "\r\nContent-Type: " + type
                                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(head.length + 5000)
                                    + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1),
                    head);
            for (byte[] request : List.of(lying, cutChunk)) {
                var answer = fx.raw.exchange(request, false);
                if (answer.timedOut() || answer.status() >= 500 || (answer.status() >= 200 && answer.status() < 400)) {
                    failures.add(route + ": " + answer.brief());
                }
                if (answer.status() >= 400) {
                    Oracle.judge(RouteCatalog.Surface.WRENN, answer, true)
                            .ifPresent(p -> failures.add(route + ": " + p + " -> " + answer.brief()));
                }
            }
            var left = guest("ls -a /tmp | grep -c truncated || true");
            if (!left.strip().equals("0")) failures.add(route + ": left in /tmp: " + guest("ls -la /tmp"));
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(6)
    void theStreamCapRefusesTheNextUpgradeAndFreesOnClose() throws Exception {
        String path = "/v1/sandboxes/" + fx.sandbox + "/exec/stream";
        var open = new ArrayList<Socket>();
        try {
            for (int i = 0; i < MAX_STREAMS; i++) open.add(Socket.open(fx.server, fx.api, path));
            assertThat(Socket.upgradeStatus(fx.server, fx.api, path)).isEqualTo(429);
            var refused = fx.raw.send("GET", path, upgradeHeaders(), null);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.text()).contains("too_many_streams");
            var other = fx.api.post("/v1/sandboxes", "{}");
            assertThat(other.status()).as(other.toString()).isEqualTo(201);
            String otherId = other.json().get("id").asString();
            try {
                assertThat(Socket.upgradeStatus(fx.server, fx.api, "/v1/sandboxes/" + otherId + "/exec/stream"))
                        .isEqualTo(101);
            } finally {
                assertThat(fx.api.delete("/v1/sandboxes/" + otherId).status()).isEqualTo(204);
            }
            open.removeFirst().close();
            int status = 0;
            for (int i = 0; i < 50 && status != 101; i++) {
                TimeUnit.MILLISECONDS.sleep(100);
                status = Socket.upgradeStatus(fx.server, fx.api, path);
            }
            assertThat(status).as("after one closed").isEqualTo(101);
        } finally {
            open.forEach(Socket::close);
        }
    }

    @Test
    @Order(7)
    void afterwardsEverythingWorksAndNothingLeaked() throws InterruptedException {
        if (attached != 0) {
            fx.api.post(
                    "/v1/sandboxes/" + fx.sandbox + "/processes/" + attached + "/signal", "{\"signal\":\"SIGKILL\"}");
        }
        fx.stillWorksAndNothingLeaked();
    }

    private static Map<String, String> upgradeHeaders() {
        var h = new java.util.LinkedHashMap<>(fx.auth());
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Version", "13");
        h.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        return h;
    }

    private static void assertError(tools.jackson.databind.JsonNode m) {
        assertThat(m.get("type").asString()).as(m.toString()).isEqualTo("error");
        assertThat(m.get("data").asString())
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    private static String guest(String cmd) {
        var r = fx.api.post(
                "/v1/sandboxes/" + fx.sandbox + "/exec",
                "{\"cmd\":" + dev.wrenn.controlplane.testing.ApiClient.JSON.writeValueAsString(cmd) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    /** How many guest processes have a command line matching {@code pattern} (bracketed, so grep misses itself). */
    private static int count(String pattern) {
        String out = guest(
                "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done | grep -c '" + pattern + "' || true");
        return Integer.parseInt(out.strip());
    }

    private static void awaitCount(String pattern, int n) throws InterruptedException {
        int now = -1;
        for (int i = 0; i < 30 && now != n; i++) {
            now = count(pattern);
            if (now != n) TimeUnit.MILLISECONDS.sleep(500);
        }
        assertThat(now).as("guest processes matching " + pattern).isEqualTo(n);
    }

    private static void awaitGone(String pattern) throws InterruptedException {
        awaitCount(pattern, 0);
    }
}
