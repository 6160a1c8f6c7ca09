package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pause, resume and auto-pause through the API, on real microVMs. */
class SandboxPauseIT {
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        api = Accounts.newTeam(anon);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String create(String body) {
        var r = api.post("/v1/sandboxes", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    static String sh(String id, String command) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    static String status(String id) {
        return api.get("/v1/sandboxes/" + id).json().get("status").asString();
    }

    @Test
    void nothingIsLostAcrossPauseAndResume() {
        String id = create("{}");
        try {
            sh(
                    id,
                    "nohup sh -c 'i=0; while true; do i=$((i+1)); echo $i > /root/count.tmp; mv"
                            + " /root/count.tmp /root/count; sleep 0.2; done' >/dev/null 2>&1 &");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> !sh(id, "cat /root/count 2>/dev/null").isBlank());
            for (int cycle = 1; cycle <= 20; cycle++) {
                sh(id, "echo written-before-pause-" + cycle + " > /root/file-" + cycle);
                int before = Integer.parseInt(sh(id, "cat /root/count").strip());

                var paused = api.post("/v1/sandboxes/" + id + "/pause", "");
                assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
                assertThat(paused.json().get("status").asString()).isEqualTo("paused");
                assertThat(api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\"}")
                                .status())
                        .isEqualTo(409);
                assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status())
                        .isEqualTo(409);

                var resumed = api.post("/v1/sandboxes/" + id + "/resume", "");
                assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
                assertThat(resumed.json().get("status").asString()).isEqualTo("running");
                assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status())
                        .isEqualTo(409);

                for (int k = 1; k <= cycle; k++) {
                    assertThat(sh(id, "cat /root/file-" + k)).isEqualTo("written-before-pause-" + k + "\n");
                }
                // The counter goes on from where it was: it kept its state and keeps running.
                Awaitility.await()
                        .atMost(Duration.ofMinutes(2))
                        .until(() -> Integer.parseInt(sh(id, "cat /root/count").strip()) > before);
            }
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    void aCommandRunningWhenTheSandboxIsPausedEndsAtOnceAndItsProcessLivesOn() throws Exception {
        String id = create("{}");
        try {
            var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> api.post(
                    "/v1/sandboxes/" + id + "/exec",
                    "{\"cmd\":\"echo started > /root/s; sleep 15; echo done > /root/d\",\"timeout_sec\":120}"));
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> sh(id, "cat /root/s 2>/dev/null").contains("started"));
            var paused = api.post("/v1/sandboxes/" + id + "/pause", "");
            assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
            // The caller learns at once (not when its 120 s run out) why its command ended.
            var cut = inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(cut.status()).as(cut.toString()).isEqualTo(409);
            assertThat(cut.json().get("error").get("code").asString()).isEqualTo("sandbox_not_running");
            assertThat(cut.json().get("error").get("message").asString()).contains("paused");
            assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status()).isEqualTo(200);
            // Its process was frozen with the VM, not killed: it finishes after the resume.
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> sh(id, "cat /root/d 2>/dev/null").contains("done"));
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    void destroyingAPausedSandboxWorks() {
        String id = create("{}");
        assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status()).isEqualTo(200);
        assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
        assertThat(status(id)).isEqualTo("stopped");
        assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status()).isEqualTo(409);
    }

    @Test
    void idleSandboxesAreAutoPausedAndPingKeepsThemRunning() {
        String id = create("{\"timeout_sec\":4}");
        try {
            // Pinging more often than the timeout keeps it running.
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                assertThat(api.post("/v1/sandboxes/" + id + "/ping", "").status())
                        .isEqualTo(204);
                assertThat(status(id)).isEqualTo("running");
                Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
            }
            // Left alone, it is paused.
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> status(id).equals("paused"));
            assertThat(api.post("/v1/sandboxes/" + id + "/ping", "").status()).isEqualTo(409);
            assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status()).isEqualTo(200);
            assertThat(sh(id, "echo back")).isEqualTo("back\n");
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }
}
