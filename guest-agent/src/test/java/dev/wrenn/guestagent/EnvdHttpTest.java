package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.http.Json;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** envd's plain HTTP endpoints. */
class EnvdHttpTest extends EnvdTestCase {
    private HttpRequest.Builder req(String pathAndQuery) {
        return h.agent.request(pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return h.agent.http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIs204WithoutAuth() throws Exception {
        var anonymous =
                send(HttpRequest.newBuilder(h.agent.uri("/health")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(204);
        assertThat(send(HttpRequest.newBuilder(h.agent.uri("/health"))
                                .header("X-Access-Token", "wrong")
                                .GET()
                                .build())
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void unknownEndpointsAndMethodsAndTheRetiredAgentProtocol() throws Exception {
        var unknown = send(req("/nope").GET().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(AgentHarness.json(unknown)).containsEntry("code", 404L).containsKey("message");
        assertThat(send(req("/envs").DELETE().build()).statusCode()).isEqualTo(405);
        // the old protocol's routes and credential are gone
        assertThat(h.agent.post("/exec", Map.of("cmd", "true")).statusCode()).isEqualTo(404);
        assertThat(h.agent.post("/restored", Map.of()).statusCode()).isEqualTo(404);
        assertThat(send(req("/files?path=x")
                                .PUT(HttpRequest.BodyPublishers.ofString("y"))
                                .build())
                        .statusCode())
                .isEqualTo(405);
        var bearer = send(HttpRequest.newBuilder(h.agent.uri("/envs"))
                .header("Authorization", "Bearer " + h.agent.token)
                .GET()
                .build());
        assertThat(bearer.statusCode()).isEqualTo(401);
        var badJson = send(
                req("/init").POST(HttpRequest.BodyPublishers.ofString("{nope")).build());
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(AgentHarness.json(badJson)).containsEntry("code", 400L);
    }

    @Test
    void systemEntropyMixesWithoutFailing() throws Exception {
        // Writing to /dev/urandom is allowed for everyone; the reseed ioctl only for CAP_SYS_ADMIN.
        boolean reseeded = dev.wrenn.guestagent.clock.KernelEntropy.system().mix(new byte[32]);
        if (!"root".equals(System.getProperty("user.name")))
            assertThat(reseeded).isFalse();
    }

    @Test
    void metricsUseEnvdsFieldNames() throws Exception {
        var r = send(req("/metrics").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        var m = AgentHarness.json(r);
        assertThat(m)
                .containsKeys(
                        "ts",
                        "cpu_count",
                        "cpu_used_pct",
                        "mem_total",
                        "mem_used",
                        "mem_cache",
                        "disk_used",
                        "disk_total");
        assertThat(((Number) m.get("cpu_count")).intValue())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(((Number) m.get("mem_total")).longValue()).isGreaterThan(((Number) m.get("mem_used")).longValue());
        assertThat(((Number) m.get("disk_total")).longValue()).isPositive();
        assertThat(send(HttpRequest.newBuilder(h.agent.uri("/metrics")).GET().build())
                        .statusCode())
                .isEqualTo(401);
    }

    private static final String SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private int envsStatusWith(String token) throws Exception {
        return send(HttpRequest.newBuilder(h.agent.uri("/envs"))
                        .header("X-Access-Token", token)
                        .GET()
                        .build())
                .statusCode();
    }

    /** What the host sends after every resume and clone: clock, seed and the clone's own token in one request. */
    @Test
    void initMergesEnvSetsClockMixesTheSeedAndRotatesTheToken() throws Exception {
        var r = h.init(Map.of(
                "envVars",
                Map.of("A", "1", "B", "2"),
                "timestamp",
                "2026-05-01T10:00:00.5Z",
                "entropySeed",
                SEED,
                "accessToken",
                "rotated-token"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(h.agent.clockCalls)
                .containsExactly(
                        java.time.Instant.parse("2026-05-01T10:00:00.5Z").toEpochMilli());
        assertThat(h.agent.entropyCalls)
                .singleElement()
                .isEqualTo(HexFormat.of().parseHex(SEED));
        // the old token no longer works, the new one does
        assertThat(envsStatusWith(h.agent.token)).isEqualTo(401);
        var envs = send(HttpRequest.newBuilder(h.agent.uri("/envs"))
                .header("X-Access-Token", "rotated-token")
                .GET()
                .build());
        assertThat(envs.statusCode()).isEqualTo(200);
        assertThat(AgentHarness.json(envs)).containsEntry("A", "1").containsEntry("B", "2");
    }

    @Test
    void aRefusedInitAppliesNothing() throws Exception {
        String sixteenBytes = SEED.substring(0, 32);
        List<Map<String, Object>> refused = List.of(
                Map.of("entropySeed", SEED.substring(0, 30)), // 15 bytes
                Map.of("entropySeed", "zz" + sixteenBytes),
                Map.of("entropySeed", sixteenBytes + "0"),
                Map.of("entropySeed", 42),
                Map.of("entropySeed", sixteenBytes, "timestamp", "yesterday"));
        for (var bad : refused) {
            var body = new java.util.HashMap<String, Object>(Map.of(
                    "envVars", Map.of("LEAK", "1"),
                    "defaultUser", "user",
                    "timestamp", "2026-05-01T10:00:00Z",
                    "accessToken", "never-set"));
            body.putAll(bad);
            var r = h.init(body);
            assertThat(r.statusCode()).as("%s: %s", bad, r.body()).isEqualTo(400);
            assertThat(AgentHarness.json(r)).containsEntry("code", 400L).containsKey("message");
        }
        assertThat(h.agent.clockCalls).isEmpty();
        assertThat(h.agent.entropyCalls).isEmpty();
        assertThat(envsStatusWith("never-set")).isEqualTo(401);
        var envs = send(req("/envs").GET().build());
        assertThat(envs.statusCode()).isEqualTo(200);
        assertThat(AgentHarness.json(envs)).doesNotContainKey("LEAK");
        assertThat(h.rpc.ok("filesystem.Filesystem/Stat", Map.of("path", "")).toString())
                .as("the default user stays root, whose home the empty path is")
                .contains(h.rootHome.toString());
        // a seed of exactly 16 bytes is enough
        assertThat(h.init(Map.of("entropySeed", sixteenBytes)).statusCode()).isEqualTo(204);
        assertThat(h.agent.entropyCalls)
                .singleElement()
                .satisfies(seed -> assertThat(seed).hasSize(16));
    }

    @Test
    void multipartUploadCreatesParentsAndOwnsFilesByTheUser() throws Exception {
        String boundary = "----wrenn-boundary-42";
        String body = "preamble\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"docs/a.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "first\r\nline with --" + boundary.substring(0, 10) + " inside\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\r\n"
                + "second\r\n--" + boundary + "--\r\n";
        var r = send(req("/files?username=user")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var entries = (List<Map<String, Object>>) Json.parse(r.body());
        assertThat(entries)
                .containsExactly(
                        Map.of("path", h.userHome + "/docs/a.txt", "name", "a.txt", "type", "file"),
                        Map.of("path", h.userHome + "/b.bin", "name", "b.bin", "type", "file"));
        assertThat(Files.readString(h.userHome.resolve("docs/a.txt")))
                .isEqualTo("first\r\nline with --" + boundary.substring(0, 10) + " inside");
        assertThat(Files.readString(h.userHome.resolve("b.bin"))).isEqualTo("second");
        assertThat(Files.getAttribute(h.userHome.resolve("docs"), "unix:uid")).isEqualTo(EnvdHarness.USER_UID);
        assertThat(Files.getAttribute(h.userHome.resolve("docs/a.txt"), "unix:uid"))
                .isEqualTo(EnvdHarness.USER_UID);
    }

    @Test
    void rawUploadAndDownloadOfALargeFileStream() throws Exception {
        int mib = 48; // larger than the test JVM would like to hold twice, streamed both ways
        var digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < chunk.length; i++) chunk[i] = (byte) (i * 31 + 7);
        for (int i = 0; i < mib; i++) digest.update(chunk);
        String expected = HexFormat.of().formatHex(digest.digest());
        var up = send(req("/files?path=" + AgentHarness.q(dir + "/big/blob"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> repeat(chunk, mib)))
                .build());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(Files.size(dir.resolve("big/blob"))).isEqualTo((long) mib << 20);

        var down = h.agent.http.send(
                req("/files?path=" + AgentHarness.q(dir + "/big/blob")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(down.statusCode()).isEqualTo(200);
        var d2 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = down.body()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) d2.update(buf, 0, n);
        }
        assertThat(HexFormat.of().formatHex(d2.digest())).isEqualTo(expected);
    }

    /** Content full of CRLFs and dashes, across many of the parser's 64 KiB windows. */
    @Test
    void largeMultipartUploadSurvivesBoundaryLookalikes() throws Exception {
        String boundary = "xyzBOUNDARYxyz";
        byte[] chunk = ("\r\n--xyzBOUNDARYxy\r\n-- \r\n" + "a".repeat(61)).getBytes(StandardCharsets.US_ASCII);
        int copies = 40_000; // ~3.5 MiB
        byte[] head = ("--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.bin\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        var r = send(req("/files?path=" + AgentHarness.q(dir + "/m.bin"))
                .header("Content-Type", "multipart/form-data; boundary=\"" + boundary + "\"")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        new java.io.ByteArrayInputStream(head),
                        new SequenceInputStream(repeat(chunk, copies), new java.io.ByteArrayInputStream(tail)))))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        byte[] written = Files.readAllBytes(dir.resolve("m.bin"));
        assertThat(written.length).isEqualTo(chunk.length * copies);
        for (int i = 0; i < copies; i += 997) {
            assertThat(java.util.Arrays.copyOfRange(written, i * chunk.length, (i + 1) * chunk.length))
                    .isEqualTo(chunk);
        }
        var truncated = send(req("/files?path=" + AgentHarness.q(dir + "/t.bin"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(head))
                .build());
        assertThat(truncated.statusCode()).isEqualTo(500);
    }

    private static InputStream repeat(byte[] chunk, int times) {
        return new SequenceInputStream(Collections.enumeration(Collections.nCopies(times, chunk).stream()
                .map(java.io.ByteArrayInputStream::new)
                .toList()));
    }

    @Test
    void downloadResolvesRelativePathsAndReportsErrorsInEnvdsSchema() throws Exception {
        Files.writeString(h.rootHome.resolve("hello.txt"), "hi");
        var ok = send(req("/files?path=hello.txt").GET().build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("hi");

        var missing = send(req("/files?path=nope.txt").GET().build());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(AgentHarness.json(missing)).containsEntry("code", 404L).containsKey("message");
        var isDir =
                send(req("/files?path=" + AgentHarness.q(dir.toString())).GET().build());
        assertThat(isDir.statusCode()).isEqualTo(400);
        var badUser = send(req("/files?path=hello.txt&username=ghost").GET().build());
        assertThat(badUser.statusCode()).isEqualTo(401);
        assertThat(AgentHarness.json(badUser)).containsEntry("code", 401L);
        var noToken = send(HttpRequest.newBuilder(h.agent.uri("/files?path=hello.txt"))
                .GET()
                .build());
        assertThat(noToken.statusCode()).isEqualTo(401);
        var rawWithoutPath = send(req("/files")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
        assertThat(rawWithoutPath.statusCode()).isEqualTo(400);
    }

    @Test
    void aDownloadSaysItsSizeAndAFileThatReportsNoneStillStreamsWhole() throws Exception {
        Path f = dir.resolve("sized.bin");
        Files.write(f, new byte[1000]);
        var sized =
                send(req("/files?path=" + AgentHarness.q(f.toString())).GET().build());
        assertThat(sized.statusCode()).isEqualTo(200);
        assertThat(sized.headers().firstValueAsLong("Content-Length")).hasValue(1000);
        assertThat(sized.body()).hasSize(1000);
        Path empty = dir.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        var none = send(
                req("/files?path=" + AgentHarness.q(empty.toString())).GET().build());
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.headers().firstValueAsLong("Content-Length")).hasValue(0);
        // /proc files report size 0 and are generated as they are read.
        var generated = send(req("/files?path=/proc/self/status").GET().build());
        assertThat(generated.statusCode()).isEqualTo(200);
        assertThat(generated.body()).contains("Pid:");
    }
}
