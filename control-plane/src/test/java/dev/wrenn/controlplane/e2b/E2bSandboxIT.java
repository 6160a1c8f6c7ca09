package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.sandbox.AccessTokens;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The E2B routes over real HTTP against real microVMs, every answer checked against
 * {@code api/e2b-openapi.yaml}. Few VMs: one sandbox ({@code steady}) stays running for the reading
 * tests, the others each carry one lifecycle story from create to its end.
 */
class E2bSandboxIT {
    static final String SUITE = "e2b-it";
    static TestServer server;
    static ApiClient v1;
    static E2bClient e2b;
    static E2bClient mallory;
    static String steady;
    static Instant steadyCreated;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of("WRENN_METRICS_INTERVAL_SEC", "1"));
        var anon = server.client();
        var account = Accounts.signUp(anon);
        String key = anon.withBearer(account.token())
                .post("/v1/api-keys", "{\"format\":\"e2b\"}")
                .json()
                .get("key")
                .asString();
        v1 = anon.withApiKey(key);
        e2b = new E2bClient(server.baseUri(), key);
        mallory = new E2bClient(server.baseUri(), Accounts.apiKey(anon, Accounts.signUp(anon)));
        steadyCreated = Instant.now();
        var created = e2b.post(
                "/v2/sandboxes",
                "{\"templateID\":\"base\",\"timeout\":1800,\"metadata\":{\"suite\":\"" + SUITE
                        + "\",\"role\":\"steady\"}," + "\"envVars\":{\"GREETING\":\"hello from e2b\",\"EMPTY\":\"\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        steady = created.json().get("sandboxID").asString();
    }

    @AfterAll
    static void stop() {
        if (steady != null) e2b.delete("/sandboxes/" + steady);
        server.close();
    }

    static String create(String path, String body) {
        var r = e2b.post(path, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("sandboxID").asString();
    }

    static String sh(String id, String command) {
        var r = v1.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    static JsonNode info(String id) {
        var r = e2b.get("/sandboxes/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static String reason(String id) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                var s = c.prepareStatement("SELECT status_reason FROM sandboxes WHERE id = ?")) {
            s.setString(1, id);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void theCreateAnswerHasWhatAClientNeedsToReachTheGuest() {
        var d = info(steady);
        assertThat(d.get("templateID").asString()).isEqualTo("minimal");
        assertThat(d.get("alias").asString()).isEqualTo("base");
        assertThat(d.get("state").asString()).isEqualTo("running");
        assertThat(d.get("envdVersion").asString()).isEqualTo(EnvdVersion.VALUE);
        assertThat(d.get("domain").asString())
                .isEqualTo("localhost:" + server.controlPlane().port());
        assertThat(d.get("metadata").get("role").asString()).isEqualTo("steady");
        assertThat(d.get("lifecycle").get("onTimeout").asString()).isEqualTo("kill");
        assertThat(d.get("lifecycle").get("autoResume").asBoolean()).isFalse();
        assertThat(d.get("cpuCount").asInt()).isEqualTo(1);
        assertThat(d.get("memoryMB").asInt()).isEqualTo(512);
        // The token is derived from the server secret and the id, never stored: recomputing it must agree.
        String token = new AccessTokens(TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8)).envd(steady);
        assertThat(d.get("envdAccessToken").asString()).isEqualTo(token);
        var started = Instant.parse(d.get("startedAt").asString());
        var end = Instant.parse(d.get("endAt").asString());
        assertThat(started).isAfterOrEqualTo(steadyCreated.minusSeconds(5));
        assertThat(Duration.between(started, end).toSeconds()).isBetween(1795L, 1805L);
        // The same sandbox through /v1: its lifecycle fields are there too.
        var row = v1.get("/v1/sandboxes/" + steady).json();
        assertThat(row.get("ttl_sec").asInt()).isEqualTo(1800);
        assertThat(row.get("metadata").get("suite").asString()).isEqualTo(SUITE);
        assertThat(row.get("timeout_sec").asInt()).isZero();
    }

    @Test
    void envVarsReachEveryProcessAndCommandsStartAsE2bsUser() {
        assertThat(sh(steady, "echo \"$GREETING\"; echo \"[${EMPTY-unset}]\"")).isEqualTo("hello from e2b\n[]\n");
        assertThat(sh(steady, "id -un; pwd")).isEqualTo("user\n/home/user\n");
        // A child process inherits them like any other variable.
        assertThat(sh(steady, "sh -c 'env' | grep ^GREETING=")).isEqualTo("GREETING=hello from e2b\n");
    }

    @Test
    void listsFilterByMetadataStateAndTemplateAndPageWithoutOverlap() {
        String query =
                "metadata=" + java.net.URLEncoder.encode("suite=" + SUITE + "&role=steady", StandardCharsets.UTF_8);
        var one = e2b.get("/v2/sandboxes?" + query);
        assertThat(one.json().findValuesAsString("sandboxID")).containsExactly(steady);
        assertThat(one.header(E2bSandboxRoutes.NEXT_TOKEN)).isNull();
        assertThat(e2b.get("/v2/sandboxes?" + query + "&state=paused").json().isEmpty())
                .isTrue();
        assertThat(e2b.get("/v2/sandboxes?" + query + "&template=base").json().size())
                .isEqualTo(1);
        assertThat(e2b.get("/v2/sandboxes?" + query + "&template=other").json().isEmpty())
                .isTrue();
        assertThat(e2b.get("/sandboxes?" + query).json().findValuesAsString("sandboxID"))
                .containsExactly(steady);
        assertThat(mallory.get("/v2/sandboxes").json().findValuesAsString("sandboxID"))
                .doesNotContain(steady);

        String other = create("/v2/sandboxes", "{\"metadata\":{\"suite\":\"" + SUITE + "\"},\"timeout\":600}");
        try {
            String suite = "metadata=" + java.net.URLEncoder.encode("suite=" + SUITE, StandardCharsets.UTF_8);
            var whole = e2b.get("/v2/sandboxes?" + suite).json().findValuesAsString("sandboxID");
            assertThat(whole).contains(steady, other);
            assertThat(whole.indexOf(other)).isLessThan(whole.indexOf(steady)); // newest first
            var paged = new ArrayList<String>();
            String token = null;
            int pages = 0;
            do {
                var r = e2b.get("/v2/sandboxes?" + suite + "&limit=1" + (token == null ? "" : "&nextToken=" + token));
                assertThat(r.json().size()).isLessThanOrEqualTo(1);
                paged.addAll(r.json().findValuesAsString("sandboxID"));
                token = r.header(E2bSandboxRoutes.NEXT_TOKEN);
                pages++;
            } while (token != null && pages < 20);
            assertThat(paged).containsExactlyElementsOf(whole);
            assertThat(new HashSet<>(paged)).hasSameSizeAs(paged);

            // A killed sandbox disappears at once.
            assertThat(e2b.delete("/sandboxes/" + other).status()).isEqualTo(204);
            assertThat(e2b.get("/v2/sandboxes?" + suite).json().findValuesAsString("sandboxID"))
                    .doesNotContain(other);
            assertThat(e2b.get("/sandboxes/" + other).status()).isEqualTo(404);
            assertThat(e2b.delete("/sandboxes/" + other).status()).isEqualTo(404);
            assertThat(v1.get("/v1/sandboxes/" + other).json().get("status").asString())
                    .isEqualTo("stopped");
        } finally {
            e2b.delete("/sandboxes/" + other);
        }
    }

    @Test
    void metricsAreSampledWhileTheSandboxRuns() {
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> e2b.get("/sandboxes/" + steady + "/metrics").json().size() >= 2);
        List<JsonNode> samples = new ArrayList<>();
        e2b.get("/sandboxes/" + steady + "/metrics").json().forEach(samples::add);
        var first = samples.getFirst();
        assertThat(first.get("cpuCount").asInt()).isEqualTo(1);
        assertThat(first.get("memTotal").asLong()).isGreaterThan(100L * 1024 * 1024);
        assertThat(first.get("memUsed").asLong())
                .isPositive()
                .isLessThanOrEqualTo(first.get("memTotal").asLong());
        assertThat(first.get("diskTotal").asLong()).isPositive();
        assertThat(first.get("cpuUsedPct").asDouble()).isBetween(0.0, 100.0);
        var t0 = Instant.parse(first.get("timestamp").asString());
        assertThat(first.get("timestampUnix").asLong()).isEqualTo(t0.getEpochSecond());
        for (int i = 1; i < samples.size(); i++) {
            assertThat(Instant.parse(samples.get(i).get("timestamp").asString()))
                    .isAfter(t0);
        }
        long s = t0.getEpochSecond();
        assertThat(e2b.get("/sandboxes/" + steady + "/metrics?start=" + (s + 1) + "&end=" + (s + 1))
                        .json()
                        .size())
                .isLessThan(samples.size());
        assertThat(e2b.get("/sandboxes/" + steady + "/metrics?start=0&end=" + (s - 3600))
                        .json()
                        .isEmpty())
                .isTrue();
        assertThat(e2b.get("/sandboxes/" + steady + "/metrics?start=10&end=5").status())
                .isEqualTo(400);
        assertThat(e2b.get("/sandboxes/" + steady + "/metrics?start=-1").status())
                .isEqualTo(400);
        assertThat(v1.get("/v1/sandboxes/" + steady + "/metrics")
                        .json()
                        .get(0)
                        .get("mem_total")
                        .asLong())
                .isPositive();
        assertThat(mallory.get("/sandboxes/" + steady + "/metrics").status()).isEqualTo(404);
    }

    @Test
    void pauseThenConnectResumesAndConnectingToARunningSandboxOnlyExtendsIt() {
        String id = create(
                "/sandboxes",
                "{\"templateID\":\"base\",\"timeout\":600,\"secure\":true,"
                        + "\"allow_internet_access\":true,\"metadata\":{\"suite\":\"" + SUITE + "\"}}");
        try {
            sh(id, "echo kept > /home/user/note");
            assertThat(e2b.post("/sandboxes/" + id + "/pause", "{}").status()).isEqualTo(204);
            var again = e2b.post("/sandboxes/" + id + "/pause", "");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("code").asInt()).isEqualTo(409);
            assertThat(info(id).get("state").asString()).isEqualTo("paused");
            assertThat(e2b.post("/sandboxes/" + id + "/pause", "{\"memory\":false}")
                            .status())
                    .isEqualTo(400);
            assertThat(mallory.post("/v2/sandboxes/" + id + "/connect", "{\"timeout\":60}")
                            .status())
                    .isEqualTo(404);

            var resumed = e2b.post("/v2/sandboxes/" + id + "/connect", "{\"timeout\":120}");
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
            assertThat(resumed.json().get("sandboxID").asString()).isEqualTo(id);
            assertThat(resumed.json().get("envdAccessToken").asString()).isNotBlank();
            var d = info(id);
            assertThat(d.get("state").asString()).isEqualTo("running");
            assertThat(secondsLeft(d)).isBetween(110L, 121L); // a fresh end: the connect's timeout from now
            assertThat(sh(id, "cat /home/user/note")).isEqualTo("kept\n");

            var running = e2b.post("/sandboxes/" + id + "/connect", "{\"timeout\":30}");
            assertThat(running.status()).isEqualTo(200);
            assertThat(secondsLeft(info(id))).isGreaterThan(90L); // never shortened
            assertThat(e2b.post("/v2/sandboxes/" + id + "/connect", "{\"timeout\":900}")
                            .status())
                    .isEqualTo(200);
            assertThat(secondsLeft(info(id))).isGreaterThan(880L);
            assertThat(e2b.post("/v2/sandboxes/" + id + "/connect", "{\"timeout\":60,\"memory\":false}")
                            .status())
                    .isEqualTo(400);

            // The older resume: 409 while running.
            var legacy = e2b.post("/sandboxes/" + id + "/resume", "{\"timeout\":60}");
            assertThat(legacy.status()).isEqualTo(409);
        } finally {
            e2b.delete("/sandboxes/" + id);
        }
    }

    @Test
    void setTimeoutShortensTheLifeAndTheEndKills() throws Exception {
        String id = create("/v2/sandboxes", "{\"timeout\":900,\"metadata\":{\"suite\":\"" + SUITE + "\"}}");
        try {
            assertThat(e2b.post("/sandboxes/" + id + "/timeout", "{\"timeout\":1200}")
                            .status())
                    .isEqualTo(204);
            assertThat(secondsLeft(info(id))).isBetween(1190L, 1201L);
            assertThat(e2b.post("/sandboxes/" + id + "/timeout", "{}").status()).isEqualTo(400);
            assertThat(e2b.post("/sandboxes/" + id + "/timeout", "{\"timeout\":-1}")
                            .status())
                    .isEqualTo(400);
            assertThat(mallory.post("/sandboxes/" + id + "/timeout", "{\"timeout\":1}")
                            .status())
                    .isEqualTo(404);
            assertThat(e2b.post("/sandboxes/" + id + "/timeout", "{\"timeout\":2}")
                            .status())
                    .isEqualTo(204);
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> e2b.get("/sandboxes/" + id).status() == 404);
            assertThat(v1.get("/v1/sandboxes/" + id).json().get("status").asString())
                    .isEqualTo("stopped");
            assertThat(reason(id)).startsWith("expired");
        } finally {
            e2b.delete("/sandboxes/" + id);
        }
    }

    @Test
    void anAutoPauseSandboxIsPausedAtItsEndAndResumesWithAFreshOne() throws Exception {
        var answer = e2b.post(
                "/v2/sandboxes",
                "{\"timeout\":4,\"autoPause\":true,\"autoResume\":{\"enabled\":true},\"secure\":false,"
                        + "\"network\":{\"allowPublicTraffic\":false},\"metadata\":{\"suite\":\"" + SUITE
                        + "\"}}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        String id = answer.json().get("sandboxID").asString();
        try {
            // Not secure: no envd token for the client (the proxy adds it); not public: a traffic token.
            var tokens = new AccessTokens(TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(answer.json().has("envdAccessToken")).isFalse();
            assertThat(answer.json().get("trafficAccessToken").asString()).isEqualTo(tokens.traffic(id));
            var target = server.controlPlane().sandboxDirectory().find(id).orElseThrow();
            assertThat(target.autoResume()).isTrue();
            assertThat(target.secure()).isFalse();
            assertThat(target.accessToken()).isEqualTo(tokens.envd(id));
            assertThat(target.trafficAccessToken()).isEqualTo(tokens.traffic(id));
            assertThat(info(id).get("network").get("allowPublicTraffic").asBoolean())
                    .isFalse();
            assertThat(info(id).get("lifecycle").get("onTimeout").asString()).isEqualTo("pause");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> info(id).get("state").asString().equals("paused"));
            assertThat(reason(id)).startsWith("timed_out");
            var listed = e2b.get("/v2/sandboxes?state=paused").json().findValuesAsString("sandboxID");
            assertThat(listed).contains(id);

            // The older resume, with a timeout of its own and autoPause now off.
            var resumed = e2b.post("/sandboxes/" + id + "/resume", "{\"timeout\":300,\"autoPause\":false}");
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(201);
            var d = info(id);
            assertThat(d.get("state").asString()).isEqualTo("running");
            assertThat(d.get("lifecycle").get("onTimeout").asString()).isEqualTo("kill");
            assertThat(secondsLeft(d)).isBetween(290L, 301L);
            assertThat(sh(id, "echo alive")).isEqualTo("alive\n");
        } finally {
            e2b.delete("/sandboxes/" + id);
        }
    }

    private static long secondsLeft(JsonNode detail) {
        return Duration.between(Instant.now(), Instant.parse(detail.get("endAt").asString()))
                .toSeconds();
    }
}
