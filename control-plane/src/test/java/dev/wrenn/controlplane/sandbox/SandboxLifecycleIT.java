package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycle additions to {@code /v1} (metadata, env vars, time-to-live, connect, lists, metrics)
 * and the proxy's directory, on one real microVM, every response checked against the contract.
 */
class SandboxLifecycleIT {
    static TestServer server;
    static ApiClient api;
    static ApiClient mallory;
    static String id;
    static JsonNode created;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        api = Accounts.newTeam(server.client());
        mallory = Accounts.newTeam(server.client());
        var r = api.post(
                "/v1/sandboxes",
                "{\"metadata\":{\"app\":\"web\",\"env\":\"prod\"},\"env_vars\":{\"WRENN_GREETING\":\"hi there\"},"
                        + "\"ttl_sec\":900,\"on_timeout\":\"pause\",\"auto_resume\":true}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        created = r.json();
        id = created.get("id").asString();
    }

    @AfterAll
    static void stop() {
        if (id != null) api.delete("/v1/sandboxes/" + id);
        server.close();
    }

    static JsonNode get() {
        return api.get("/v1/sandboxes/" + id).json();
    }

    static String sh(String command) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    static long secondsLeft(JsonNode sandbox) {
        return Duration.between(
                        Instant.now(), Instant.parse(sandbox.get("end_at").asString()))
                .toSeconds();
    }

    @Test
    void theCreateKeepsItsLifecycleAndTheGuestSeesItsEnvironment() {
        var s = created;
        assertThat(s.get("metadata").get("app").asString()).isEqualTo("web");
        assertThat(s.get("ttl_sec").asInt()).isEqualTo(900);
        assertThat(s.get("on_timeout").asString()).isEqualTo("pause");
        assertThat(s.get("auto_resume").asBoolean()).isTrue();
        assertThat(Duration.between(
                                Instant.parse(s.get("started_at").asString()),
                                Instant.parse(s.get("end_at").asString()))
                        .toSeconds())
                .isBetween(895L, 905L);
        assertThat(sh("echo \"$WRENN_GREETING\"; id -un")).isEqualTo("hi there\nroot\n");
        // Env vars are the guest's business: no column holds them.
        assertThat(api.get("/v1/sandboxes/" + id).text()).doesNotContain("hi there");
    }

    @Test
    void listsFilterAndPageWithTheCursorInAHeader() {
        assertThat(list("metadata=" + enc("app=web") + "&metadata=" + enc("env=prod")))
                .containsExactly(id);
        assertThat(list("metadata=" + enc("app=web") + "&metadata=" + enc("env=dev")))
                .isEmpty();
        assertThat(list("status=running,paused&template=minimal")).containsExactly(id);
        assertThat(list("status=stopped")).isEmpty();
        var page = api.get("/v1/sandboxes?limit=1");
        assertThat(page.json().size()).isEqualTo(1);
        assertThat(page.header(SandboxRoutes.NEXT_CURSOR)).isNull(); // one sandbox: the only page is the last
        assertThat(api.get("/v1/sandboxes").header(SandboxRoutes.NEXT_CURSOR)).isNull();
        assertThat(mallory.get("/v1/sandboxes?metadata=" + enc("app=web"))
                        .json()
                        .isEmpty())
                .isTrue();
    }

    private static java.util.List<String> list(String query) {
        var r = api.get("/v1/sandboxes?" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().findValuesAsString("id");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theTimeToLivePausesConnectResumesAndTheProxyDirectoryFollows() {
        var directory = server.controlPlane().sandboxDirectory();
        var target = directory.find(id).orElseThrow();
        assertThat(target.status()).isEqualTo("running");
        assertThat(target.autoResume()).isTrue();
        assertThat(target.secure()).isTrue();
        assertThat(target.accessToken()).matches("[0-9a-f]{64}");
        assertThat(target.trafficAccessToken()).isNull();
        assertThat(directory.find("sb-none")).isEmpty();
        var before = Instant.parse(get().get("last_active_at").asString());
        directory.touch(id);
        assertThat(Instant.parse(get().get("last_active_at").asString())).isAfter(before);

        var shortened = api.post("/v1/sandboxes/" + id + "/timeout", "{\"ttl_sec\":3}");
        assertThat(shortened.status()).as(shortened.toString()).isEqualTo(200);
        assertThat(secondsLeft(shortened.json())).isLessThanOrEqualTo(3L);
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> get().get("status").asString().equals("paused"));
        assertThat(directory.find(id).orElseThrow().status()).isEqualTo("paused");

        var resumed = api.post("/v1/sandboxes/" + id + "/connect", "{\"ttl_sec\":600}");
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
        assertThat(resumed.json().get("status").asString()).isEqualTo("running");
        assertThat(secondsLeft(resumed.json())).isBetween(590L, 601L);
        var running = api.post("/v1/sandboxes/" + id + "/connect", "");
        assertThat(running.status()).isEqualTo(200);
        assertThat(secondsLeft(running.json())).isBetween(580L, 601L);

        // Traffic to a paused sandbox resumes it through the directory, with a fresh end from its ttl.
        assertThat(api.post("/v1/sandboxes/" + id + "/timeout", "{\"ttl_sec\":600}")
                        .status())
                .isEqualTo(200);
        assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status()).isEqualTo(200);
        var back = directory.resumeForTraffic(id);
        assertThat(back.status()).isEqualTo("running");
        assertThat(directory.resumeForTraffic(id).status()).isEqualTo("running"); // already running: fine
        assertThat(secondsLeft(get())).isBetween(590L, 601L);

        var cleared = api.post("/v1/sandboxes/" + id + "/timeout", "{\"ttl_sec\":0}");
        assertThat(cleared.json().get("end_at").isNull()).isTrue();
        assertThat(cleared.json().get("ttl_sec").asInt()).isZero();
        assertThat(api.post("/v1/sandboxes/" + id + "/connect", "{\"ttl_sec\":60}")
                        .json()
                        .get("end_at")
                        .isNull())
                .isTrue(); // connecting never gives a time-to-live
        assertThat(api.post("/v1/sandboxes/" + id + "/timeout", "{\"ttl_sec\":900}")
                        .status())
                .isEqualTo(200);
        assertThat(sh("echo still here")).isEqualTo("still here\n");
    }

    @Test
    void metricsAreAnArrayOfSamples() {
        server.controlPlane().lifecycleDuties().sampler().sampleOnce();
        var r = api.get("/v1/sandboxes/" + id + "/metrics");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().size()).isGreaterThanOrEqualTo(1);
        var last = r.json().get(r.json().size() - 1);
        assertThat(last.get("cpu_count").asInt()).isEqualTo(1);
        assertThat(last.get("disk_total").asLong()).isPositive();
        assertThat(api.get("/v1/sandboxes/" + id + "/metrics?start=x").status()).isEqualTo(400);
        assertThat(mallory.get("/v1/sandboxes/" + id + "/metrics").status()).isEqualTo(404);
    }

    @Test
    void badLifecycleRequestsAre400AndOtherTeamsSee404() {
        for (String bad : new String[] {
            "{\"ttl_sec\":-1}",
            "{\"ttl_sec\":99999999}",
            "{\"on_timeout\":\"explode\"}",
            "{\"auto_resume\":\"yes\"}",
            "{\"metadata\":{\"k\":2}}",
            "{\"metadata\":[]}",
            "{\"env_vars\":{\"1BAD\":\"x\"}}",
        }) {
            var r = api.post("/v1/sandboxes", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_request");
        }
        assertThat(api.post("/v1/sandboxes/" + id + "/timeout", "{}").status()).isEqualTo(400);
        assertThat(api.post("/v1/sandboxes/" + id + "/connect", "{\"ttl_sec\":-5}")
                        .status())
                .isEqualTo(400);
        assertThat(mallory.post("/v1/sandboxes/" + id + "/timeout", "{\"ttl_sec\":1}")
                        .status())
                .isEqualTo(404);
        assertThat(mallory.post("/v1/sandboxes/" + id + "/connect", "").status())
                .isEqualTo(404);
        assertThat(api.post("/v1/sandboxes/sb-none/connect", "").status()).isEqualTo(404);
        try {
            server.controlPlane().sandboxDirectory().resumeForTraffic("sb-none");
            throw new AssertionError("resumed a sandbox that does not exist");
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(404);
        }
    }
}
