package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.AgentHarness.errorCode;
import static dev.wrenn.guestagent.AgentHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health, authentication, /token, /clock, /entropy and /restored. */
class ControlEndpointsTest {
    @TempDir
    Path dir;

    AgentHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void healthAnswersWithUptime() throws Exception {
        var r = h.get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).containsEntry("status", "ok").containsKey("uptime_ms");
    }

    @Test
    void wrongOrMissingTokenIs401() throws Exception {
        var wrong = h.http.send(
                HttpRequest.newBuilder(h.uri("/health"))
                        .header("Authorization", "Bearer nope")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(errorCode(wrong)).isEqualTo("unauthorized");

        var missing = h.http.send(
                HttpRequest.newBuilder(h.uri("/exec"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"cmd\":\"true\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(401);
    }

    @Test
    void tokenRotationStopsTrustingTheOldToken() throws Exception {
        assertThat(h.post("/token", Map.of("token", "feedface")).statusCode()).isEqualTo(204);
        assertThat(h.get("/health").statusCode()).isEqualTo(401);
        var withNew = h.http.send(
                HttpRequest.newBuilder(h.uri("/health"))
                        .header("Authorization", "Bearer feedface")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withNew.statusCode()).isEqualTo(200);
    }

    @Test
    void clockSetsTheWallClock() throws Exception {
        assertThat(h.post("/clock", Map.of("unix_ms", 1_800_000_000_123L)).statusCode())
                .isEqualTo(204);
        assertThat(h.clockCalls).containsExactly(1_800_000_000_123L);

        var bad = h.post("/clock", Map.of("unix_ms", "soon"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(errorCode(bad)).isEqualTo("bad_request");
        assertThat(h.post("/clock", Map.of()).statusCode()).isEqualTo(400);
    }

    @Test
    void entropyIsMixedIn() throws Exception {
        var r = h.post("/entropy", Map.of("seed", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).containsEntry("reseeded", true);
        assertThat(h.entropyCalls).hasSize(1);
        assertThat(h.entropyCalls.getFirst()).hasSize(32).startsWith((byte) 0x00, (byte) 0x11);
        assertThat(h.post("/entropy", Map.of("seed", "abcd")).statusCode()).isEqualTo(400);
        assertThat(h.post("/entropy", Map.of("seed", "not hex at all, not hex at all!!"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void restoredSetsClockEntropyAndTokenInOneCall() throws Exception {
        String seed = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        var r = h.post("/restored", Map.of("unix_ms", 1_800_000_000_456L, "seed", seed));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).containsEntry("reseeded", true);
        assertThat(h.clockCalls).containsExactly(1_800_000_000_456L);
        assertThat(h.entropyCalls).hasSize(1);
        assertThat(h.post("/restored", Map.of("seed", seed)).statusCode()).isEqualTo(400);
        assertThat(h.post("/restored", Map.of("unix_ms", 1L, "seed", "abcd")).statusCode())
                .isEqualTo(400);
        assertThat(h.post("/restored", Map.of("unix_ms", 1L, "seed", seed, "token", 5))
                        .statusCode())
                .isEqualTo(400);
        assertThat(h.clockCalls).hasSize(1); // refused requests change nothing
        // With a token: the old one stops working at once.
        assertThat(h.post("/restored", Map.of("unix_ms", 2L, "seed", seed, "token", "c0ffee00"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(h.get("/health").statusCode()).isEqualTo(401);
        var withNew = h.http.send(
                HttpRequest.newBuilder(h.uri("/health"))
                        .header("Authorization", "Bearer c0ffee00")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withNew.statusCode()).isEqualTo(200);
    }

    @Test
    void systemEntropyMixesWithoutFailing() throws Exception {
        // Writing to /dev/urandom is allowed for everyone; the reseed ioctl only for CAP_SYS_ADMIN.
        boolean reseeded = dev.wrenn.guestagent.clock.KernelEntropy.system().mix(new byte[32]);
        if (!"root".equals(System.getProperty("user.name")))
            assertThat(reseeded).isFalse();
    }

    @Test
    void unknownEndpointAndWrongMethod() throws Exception {
        assertThat(h.get("/nope").statusCode()).isEqualTo(404);
        assertThat(h.get("/exec").statusCode()).isEqualTo(405);
        var badJson = h.http.send(
                h.request("/exec")
                        .POST(HttpRequest.BodyPublishers.ofString("{nope"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(errorCode(badJson)).isEqualTo("bad_request");
    }
}
