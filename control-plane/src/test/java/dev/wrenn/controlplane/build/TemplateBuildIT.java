package dev.wrenn.controlplane.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Templates built from recipes through the API, on real microVMs: a build with a context, a server
 * started and waited for, its sandboxes' defaults; a rebuild served from cached layers; a change to the
 * last step rebuilding only it; a failing step and a cancel leaving no template and no sandbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TemplateBuildIT {
    static final String RECIPE = """
            FROM minimal
            # a comment, and a continued line
            ENV GREETING=hello \\
                WHO=builder
            WORKDIR /srv/app
            COPY app/ ./
            RUN echo "$GREETING from $(pwd) by $(whoami)" > built.txt && echo step-output-line
            CMD ["/srv/app/serve.sh"]
            EXPOSE 8000
            """;
    static final Map<String, String> APP = Map.of(
            "app/serve.sh", "#!/bin/sh\nexec python3 -m http.server 8000 --bind 127.0.0.1\n",
            "app/data/page.txt", "from the context\n");

    static TestServer server;
    static ApiClient api;
    static byte[] context;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withSandboxes(Map.of());
        api = Accounts.newTeam(server.client());
        context = BuildRequests.tar(APP);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String exec(String id, String cmd) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", cmd)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    static JsonNode build(String name, String recipe) {
        var r = BuildRequests.submit(api, name, recipe, context);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("status").asString()).isIn("queued", "building");
        return BuildRequests.awaitEnd(api, r.json().get("id").asString());
    }

    static void assertNoBuildSandbox() {
        var list = api.get("/v1/sandboxes").json();
        for (JsonNode s : list)
            assertThat(s.get("status").asString()).as(s.toString()).isNotIn("running", "pending");
    }

    @Test
    @Order(1)
    void aRecipeBuildsATemplateWhoseSandboxesStartServing() {
        var b = build("tb-app", RECIPE);
        String log = BuildRequests.logs(api, b.get("id").asString());
        assertThat(b.get("status").asString()).as(b + "\n" + log).isEqualTo("ready");
        assertThat(b.get("steps_run").asInt()).isEqualTo(2);
        assertThat(b.get("steps_cached").asInt()).isZero();
        assertThat(log).contains("\"kind\":\"step\"", "COPY app /srv/app/", "step-output-line", "\"kind\":\"end\"");
        assertThat(api.get("/v1/snapshots?type=snapshot").json().findValuesAsString("name"))
                .contains("tb-app");
        assertNoBuildSandbox();

        var created = api.post("/v1/sandboxes", "{\"template\":\"tb-app\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        try {
            // WORKDIR is where commands start, ENV what they see, and the CMD already serves.
            assertThat(exec(id, "cat built.txt")).isEqualTo("hello from /srv/app by root\n");
            assertThat(exec(id, "echo $WHO")).isEqualTo("builder\n");
            assertThat(exec(id, "curl -s http://127.0.0.1:8000/data/page.txt")).isEqualTo("from the context\n");
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    @Order(2)
    void theSameRecipeAgainIsServedFromItsLayers() {
        var b = build("tb-app", RECIPE);
        assertThat(b.get("status").asString()).as(b.toString()).isEqualTo("ready");
        assertThat(b.get("steps_cached").asInt()).isEqualTo(2);
        assertThat(b.get("steps_run").asInt()).isZero();
        assertThat(BuildRequests.logs(api, b.get("id").asString())).contains("(cached)");
    }

    @Test
    @Order(3)
    void aChangedLastStepRebuildsOnlyIt() {
        var b = build("tb-app", RECIPE.replace("step-output-line", "changed-line"));
        assertThat(b.get("status").asString()).as(b.toString()).isEqualTo("ready");
        assertThat(b.get("steps_cached").asInt()).isEqualTo(1);
        assertThat(b.get("steps_run").asInt()).isEqualTo(1);
        var history = api.get("/v1/templates/tb-app/builds").json();
        assertThat(history.size()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void aFailingStepLeavesNoTemplateAndNoSandbox() {
        var b = build("tb-fail", "FROM minimal\nRUN echo before-the-failure && exit 3\n");
        assertThat(b.get("status").asString()).isEqualTo("failed");
        assertThat(b.get("failed_line").asInt()).isEqualTo(2);
        assertThat(b.get("error").asString()).contains("line 2", "exited with 3");
        assertThat(BuildRequests.logs(api, b.get("id").asString())).contains("before-the-failure");
        assertThat(api.get("/v1/snapshots").json().findValuesAsString("name")).doesNotContain("tb-fail");
        assertNoBuildSandbox();
    }

    @Test
    @Order(5)
    void aCancelStopsTheRunningStep() {
        var r = BuildRequests.submit(api, "tb-cancel", "FROM minimal\nRUN echo sleeping && sleep 600\n", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().get("id").asString();
        Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .until(() ->
                        api.get("/v1/templates/builds/" + id + "/logs").text().contains("sleeping"));
        var cancelled = api.post("/v1/templates/builds/" + id + "/cancel", "{}");
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(BuildRequests.awaitEnd(api, id).get("status").asString()).isEqualTo("cancelled");
        Awaitility.await().atMost(Duration.ofMinutes(2)).untilAsserted(TemplateBuildIT::assertNoBuildSandbox);
        assertThat(api.post("/v1/templates/builds/" + id + "/cancel", "{}").status())
                .isEqualTo(409);
    }

    @Test
    @Order(6)
    void badRecipesAreRefusedBeforeAnythingBoots() {
        var r = BuildRequests.submit(api, "tb-bad", "FROM minimal\nADD x /x\n", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_recipe");
        assertThat(r.json().at("/error/message").asString()).contains("line 2");
        var missing = BuildRequests.submit(api, "tb-bad", "FROM minimal\nCOPY nothere /x\n", context);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/message").asString()).contains("nothere");
        var unknown = BuildRequests.submit(api, "tb-bad", "FROM no-such-template\nRUN true\n", null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(BuildRequests.submit(api, "minimal", "FROM minimal\n", null).status())
                .isEqualTo(409);
        assertThat(api.get("/v1/templates/builds/bld_nope").status()).isEqualTo(404);
    }
}
