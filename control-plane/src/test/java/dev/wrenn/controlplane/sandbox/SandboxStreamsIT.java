package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming exec over WebSocket and file transfer, against a real microVM. */
class SandboxStreamsIT {
    static TestServer server;
    static ApiClient api;
    static String id;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of("WRENN_MAX_UPLOAD_BYTES", Integer.toString(1024 * 1024)));
        var anon = server.client();
        api = Accounts.newTeam(anon);
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        id = created.json().get("id").asString();
    }

    @AfterAll
    static void stop() {
        if (id != null) api.delete("/v1/sandboxes/" + id);
        server.close();
    }

    static String sh(String command) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    @Test
    void outputArrivesWhileTheProcessRunsAndTheServerClosesAfterExit() throws Exception {
        try (var ws = WsClient.connect(server, api, id)) {
            ws.send("{\"type\":\"start\",\"cmd\":\"sh\",\"args\":[\"-c\",\"for i in 1 2 3; do echo"
                    + " line$i; sleep 1; done; exit 7\"]}");
            var start = ws.next();
            assertThat(start.json().get("type").asString()).isEqualTo("start");
            assertThat(start.json().get("pid").asLong()).isPositive();
            var out = new StringBuilder();
            long firstOutput = 0;
            WsClient.Message m;
            while (!(m = ws.next()).json().get("type").asString().equals("exit")) {
                assertThat(m.json().get("type").asString()).isEqualTo("stdout");
                if (firstOutput == 0) firstOutput = m.atNanos();
                out.append(m.json().get("data").asString());
            }
            assertThat(out.toString()).isEqualTo("line1\nline2\nline3\n");
            assertThat(m.json().get("exit_code").asInt()).isEqualTo(7);
            // The first line reached us well before the process ended (it sleeps 3 s in total).
            assertThat(TimeUnit.NANOSECONDS.toMillis(m.atNanos() - firstOutput)).isGreaterThan(1000);
            assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void stdinReachesTheProcess() throws Exception {
        try (var ws = WsClient.connect(server, api, id)) {
            ws.send("{\"type\":\"start\",\"cmd\":\"python3\",\"args\":[\"-c\",\"import sys;"
                    + " print(sys.stdin.read().upper())\"]}");
            assertThat(ws.next().json().get("type").asString()).isEqualTo("start");
            ws.send("{\"type\":\"stdin\",\"data\":\"hello\",\"close\":true}");
            var out = ws.next();
            assertThat(out.json().get("data").asString()).isEqualTo("HELLO\n");
            assertThat(ws.next().json().get("type").asString()).isEqualTo("exit");
        }
    }

    @Test
    void stopEndsTheProcess() throws Exception {
        try (var ws = WsClient.connect(server, api, id)) {
            ws.send("{\"type\":\"start\",\"cmd\":\"sleep\",\"args\":[\"600\"]}");
            assertThat(ws.next().json().get("type").asString()).isEqualTo("start");
            ws.send("{\"type\":\"stop\"}");
            var exit = ws.next();
            assertThat(exit.json().get("type").asString()).isEqualTo("exit");
            assertThat(exit.json().get("exit_code").asInt()).isNotZero();
            assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        assertThat(sh("pgrep -x sleep || echo none").strip()).isEqualTo("none");
    }

    @Test
    void aClientThatDisconnectsStopsItsProcess() throws Exception {
        var ws = WsClient.connect(server, api, id);
        ws.send("{\"type\":\"start\",\"cmd\":\"sh\",\"args\":[\"-c\",\"echo $$ > /tmp/orphan.pid; exec sleep 900\"]}");
        assertThat(ws.next().json().get("type").asString()).isEqualTo("start");
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> !sh("cat /tmp/orphan.pid 2>/dev/null").isBlank());
        ws.abort();
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> sh("kill -0 $(cat /tmp/orphan.pid) 2>/dev/null && echo alive || echo gone")
                        .strip()
                        .equals("gone"));
    }

    @Test
    void badCredentialsAreRefusedBeforeTheUpgrade() {
        assertThat(WsClient.handshakeStatus(server, server.client(), id)).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(server, server.client().withApiKey("wrn_bad"), id))
                .isEqualTo(401);
        assertThat(WsClient.handshakeStatus(server, api, "sb-unknown")).isEqualTo(404);
    }

    @Test
    void smallFileRoundTripsThroughBothEndpoints() {
        byte[] content = "hello from the host\n".getBytes();
        var w = Multipart.upload(api, "/v1/sandboxes/" + id + "/files/write", "/root/new/dir/hello.txt", content);
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        var r = api.post("/v1/sandboxes/" + id + "/files/read", "{\"path\":\"/root/new/dir/hello.txt\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/octet-stream");
        assertThat(r.bytes()).isEqualTo(content);
        assertThat(sh("cat /root/new/dir/hello.txt")).isEqualTo("hello from the host\n");
    }

    @Test
    void fileBeforeItsPathInTheMultipartBodyStillWorks() {
        byte[] content = new byte[300_000];
        new Random(1).nextBytes(content);
        var w = Multipart.upload(
                api,
                "/v1/sandboxes/" + id + "/files/stream/write",
                "/tmp/late-path.bin",
                () -> new java.io.ByteArrayInputStream(content),
                content.length,
                false);
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        assertThat(api.post("/v1/sandboxes/" + id + "/files/stream/read", "{\"path\":\"/tmp/late-path.bin\"}")
                        .bytes())
                .isEqualTo(content);
    }

    @Test
    void fiftyMegabytesStreamBothWaysWithEqualChecksums() throws Exception {
        long size = 50L * 1024 * 1024;
        var digest = MessageDigest.getInstance("SHA-256");
        var w = Multipart.upload(
                api,
                "/v1/sandboxes/" + id + "/files/stream/write",
                "/root/big.bin",
                () -> new DigestingRandom(size, 42, digest),
                size,
                true);
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        String sent = HexFormat.of().formatHex(digest.digest());
        assertThat(sh("sha256sum /root/big.bin | cut -d' ' -f1").strip()).isEqualTo(sent);

        var r = api.post("/v1/sandboxes/" + id + "/files/stream/read", "{\"path\":\"/root/big.bin\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.bytes())))
                .isEqualTo(sent);
        sh("rm -f /root/big.bin");
    }

    @Test
    void uploadOverTheLimitIs413AndLeavesNoFile() {
        byte[] content = new byte[2 * 1024 * 1024];
        var w = Multipart.upload(api, "/v1/sandboxes/" + id + "/files/write", "/tmp/too-big.bin", content);
        assertThat(w.status()).isEqualTo(413);
        assertThat(w.errorCode()).isEqualTo("payload_too_large");
        assertThat(sh("ls /tmp/too-big.bin 2>/dev/null || echo absent").strip()).isEqualTo("absent");
    }

    @Test
    void missingFileAndBadPathsAreClearErrors() {
        var r = api.post("/v1/sandboxes/" + id + "/files/read", "{\"path\":\"/no/such/file\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("file_not_found");
        assertThat(api.post("/v1/sandboxes/" + id + "/files/stream/read", "{\"path\":\"/no/such/file\"}")
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/v1/sandboxes/" + id + "/files/read", "{\"path\":\"relative\"}")
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/v1/sandboxes/" + id + "/files/read", "{}").status())
                .isEqualTo(400);
    }

    /** Deterministic pseudo-random bytes, hashed as they are read, never held in memory. */
    static final class DigestingRandom extends InputStream {
        private final Random random;
        private final MessageDigest digest;
        private long left;

        DigestingRandom(long size, long seed, MessageDigest digest) {
            this.random = new Random(seed);
            this.digest = digest;
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            digest.update(chunk);
            left -= n;
            return n;
        }
    }
}
