package dev.wrenn.controlplane.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.NodeScripts;
import dev.wrenn.controlplane.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The code interpreter template as a user gets it: the server builds the repository's recipe
 * (templates/code-interpreter-v1) as a built-in template at start (a create meanwhile is told it is building),
 * every team sees it, the unmodified
 * {@code @e2b/code-interpreter} SDK runs cells in it through the sandbox proxy, {@code POST /v1/sandboxes/{id}/code}
 * runs them over our own API, and a server that starts again builds nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CodeInterpreterIT {
    static final String TEMPLATE = "code-interpreter-v1";
    /** A cold build boots a VM, runs one step and starts a JVM and a Jupyter kernel, all emulated. */
    static final Duration BUILD_LIMIT = Duration.ofMinutes(15);

    static NodeScripts node;
    static TestServer server;
    static ApiClient api;
    static String apiKey;
    static String sandbox;

    @BeforeAll
    static void start() {
        node = NodeScripts.locate();
        server = TestServer.withSandboxes(
                Map.of("WRENN_BUILTIN_TEMPLATES", templates().toString()));
        var anon = server.client();
        apiKey = Accounts.apiKey(anon, Accounts.signUp(anon));
        api = anon.withApiKey(apiKey);
        // The build is queued as the server starts and takes about a minute: meanwhile a create names it.
        var early = Awaitility.await("a create while " + TEMPLATE + " builds")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.post("/v1/sandboxes", "{\"template\":\"" + TEMPLATE + "\"}"), r -> r.status() != 400);
        assertThat(early.status()).as(early.toString()).isEqualTo(503);
        assertThat(early.errorCode()).isEqualTo("template_building");
        Awaitility.await("the built-in template " + TEMPLATE)
                .atMost(BUILD_LIMIT)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> api.get("/v1/snapshots").text().contains("\"" + TEMPLATE + "\""));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Path templates() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("templates/" + TEMPLATE + "/Dockerfile"))) return p.resolve("templates");
        }
        throw new AssertionError("templates/" + TEMPLATE + "/Dockerfile not found above " + Path.of(""));
    }

    @Test
    @Order(1)
    void everyTeamSeesItAndNoneMayDeleteIt() {
        var other = Accounts.newTeam(server.client());
        assertThat(other.get("/v1/snapshots").text()).contains("\"" + TEMPLATE + "\"");
        var delete = other.delete("/v1/snapshots/" + TEMPLATE);
        assertThat(delete.status()).as(delete.toString()).isEqualTo(403);
        assertThat(delete.errorCode()).isEqualTo("permission_denied");
        assertThat(api.get("/v1/snapshots").text()).contains("\"" + TEMPLATE + "\"");
    }

    @Test
    @Order(2)
    void theE2bCodeInterpreterSdkRunsCellsInIt() {
        var env = new HashMap<String, String>();
        env.put("E2B_API_URL", server.baseUri().toString());
        env.put("E2B_SANDBOX_URL", server.baseUri().toString());
        env.put("E2B_API_KEY", e2bKey());
        node.run("code-interpreter.mjs", env, Duration.ofMinutes(15));
    }

    @Test
    @Order(3)
    void cellsRunThroughTheV1Route() {
        var created = api.post("/v1/sandboxes", "{\"template\":\"" + TEMPLATE + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        sandbox = created.json().get("id").asString();
        String route = "/v1/sandboxes/" + sandbox + "/code";

        var first = api.post(route, "{\"code\":\"x = 20\\nprint('hi')\\nx + 1\"}");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("logs").get("stdout").get(0).asString()).isEqualTo("hi\n");
        assertThat(first.json().get("results").get(0).get("text").asString()).isEqualTo("21");
        assertThat(first.json().get("results").get(0).get("is_main_result").asBoolean())
                .isTrue();
        assertThat(first.json().get("error").isNull()).isTrue();
        long count = first.json().get("execution_count").asLong();

        var state = api.post(route, "{\"code\":\"x * 2\"}");
        assertThat(state.json().get("results").get(0).get("text").asString()).isEqualTo("40");
        assertThat(state.json().get("execution_count").asLong()).isEqualTo(count + 1);

        var raised = api.post(route, "{\"code\":\"1/0\"}");
        assertThat(raised.status())
                .as("a cell that raises is an answer, not a failure")
                .isEqualTo(200);
        assertThat(raised.json().get("error").get("name").asString()).isEqualTo("ZeroDivisionError");
        assertThat(raised.json().get("error").get("traceback").asString()).contains("ZeroDivisionError");

        var env = api.post(
                route, "{\"code\":\"import os\\nos.environ['ONLY_HERE']\",\"env_vars\":{\"ONLY_HERE\":\"yes\"}}");
        assertThat(env.json().get("results").get(0).get("text").asString()).isEqualTo("yes");
    }

    @Test
    @Order(4)
    void theStreamCarriesEveryEventInOrder() throws Exception {
        var r = api.send(
                "POST",
                "/v1/sandboxes/" + sandbox + "/code?stream=true",
                java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"code\":\"import time\\nprint('a', flush=True)\\ntime.sleep(0.5)\\nprint('b')\\n7\"}"),
                "application/json");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
        var types = new StringBuilder();
        for (String line : new String(r.bytes(), StandardCharsets.UTF_8).split("\n")) {
            types.append(ApiClient.JSON.readTree(line).get("type").asString()).append(' ');
        }
        assertThat(types.toString().strip()).isEqualTo("number_of_executions stdout stdout result end_of_execution");
    }

    /** MCP's run_code tool (McpIT covers the other tools) in the same sandbox, through the MCP SDK's client. */
    @Test
    @Order(5)
    void theMcpRunCodeToolRunsCellsInIt() {
        NodeScripts.mcp()
                .run(
                        "code.mjs",
                        java.util.List.of("http", server.baseUri().toString(), apiKey, sandbox),
                        Map.of(),
                        Duration.ofMinutes(5));
    }

    @Test
    @Order(6)
    void badCallsAreRefusedInTheEnvelope() {
        String route = "/v1/sandboxes/" + sandbox + "/code";
        var both = api.post(route, "{\"code\":\"1\",\"language\":\"python\",\"context_id\":\"c\"}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.errorCode()).isEqualTo("invalid_request");
        assertThat(api.post(route, "{\"cmd\":\"1\"}").status()).isEqualTo(400);
        var context = api.post(route, "{\"code\":\"1\",\"context_id\":\"no-such-context\"}");
        assertThat(context.status()).as(context.toString()).isEqualTo(404);
        var other = Accounts.newTeam(server.client()).post(route, "{\"code\":\"1\"}");
        assertThat(other.status()).as("another team's sandbox").isEqualTo(404);

        var slow = api.post(route, "{\"code\":\"import time\\ntime.sleep(60)\",\"timeout_sec\":2}");
        assertThat(slow.status()).as(slow.toString()).isEqualTo(504);
        assertThat(slow.errorCode()).isEqualTo("execution_timeout");
        // The timeout interrupted the cell: the kernel answers the next one at once, its state intact.
        var after = api.post(route, "{\"code\":\"x\"}");
        assertThat(after.json().get("results").get(0).get("text").asString()).isEqualTo("20");
    }

    @Test
    @Order(7)
    void aSandboxWithoutACodeInterpreterIsAConflict() {
        var plain = api.post("/v1/sandboxes", "{}");
        assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
        String id = plain.json().get("id").asString();
        try {
            var r = api.post("/v1/sandboxes/" + id + "/code", "{\"code\":\"1\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("conflict");
            assertThat(r.text()).contains("49999");
            assertThat(api.post("/v1/sandboxes/" + id + "/pause", "{}").status())
                    .isEqualTo(200);
            var paused = api.post("/v1/sandboxes/" + id + "/code", "{\"code\":\"1\"}");
            assertThat(paused.status()).isEqualTo(409);
            assertThat(paused.errorCode()).isEqualTo("sandbox_not_running");
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    @Order(8)
    void aServerThatStartsAgainBuildsNothing() throws Exception {
        api.delete("/v1/sandboxes/" + sandbox);
        server = server.restart();
        var again = server.client().withApiKey(apiKey);
        // The server's start-up check has decided (and would have built by now): no second build row.
        assertThat(server.controlPlane().awaitBuiltinTemplates(BUILD_LIMIT)).isTrue();
        assertThat(builtinBuilds()).isEqualTo(1);
        assertThat(again.get("/v1/snapshots").text()).contains("\"" + TEMPLATE + "\"");
        var created = again.post("/v1/sandboxes", "{\"template\":\"" + TEMPLATE + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var r = again.post("/v1/sandboxes/" + id + "/code", "{\"code\":\"1 + 1\"}");
        assertThat(r.json().get("results").get(0).get("text").asString()).isEqualTo("2");
        again.delete("/v1/sandboxes/" + id);
    }

    private static long builtinBuilds() throws Exception {
        try (var c = DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM template_builds WHERE team_id = 'team_builtin'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String e2bKey() {
        var r = server.client()
                .withBearer(Accounts.signUp(server.client()).token())
                .post("/v1/api-keys", "{\"name\":\"sdk\",\"format\":\"e2b\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("key").asString();
    }
}
