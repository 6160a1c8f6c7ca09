package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.NodeScripts;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published E2B JavaScript SDK (e2b 2.51.0, and 2.50.0 for the older routes) driving one real Wrenn server
 * with real microVMs, through the E2B REST surface and the sandbox proxy on the server's one port: the Node
 * scenario scripts of compat/e2b/, each exiting 0 only if every scenario in it passed. Five sandboxes in all
 * (one of them the source of the snapshot template), since each TCG boot costs seconds.
 */
class E2bSdkIT {
    /** A script boots one or two sandboxes, waits out expiries and metric samples: minutes, not hours. */
    static final Duration SCRIPT_LIMIT = Duration.ofMinutes(15);

    static NodeScripts node;
    static TestServer server;
    static ApiClient api;
    static String apiKey;
    static String otherTeamKey;

    @BeforeAll
    static void start() {
        node = NodeScripts.locate(); // before any VM: a missing SDK fails at once, naming its install command
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        apiKey = Accounts.apiKey(anon, Accounts.signUp(anon));
        api = anon.withApiKey(apiKey);
        otherTeamKey = Accounts.apiKey(anon, Accounts.signUp(anon));
    }

    @AfterAll
    static void stop() {
        try {
            if (api != null) killLeftovers();
        } finally {
            if (server != null) server.close();
        }
    }

    /** A script that failed midway may leave a sandbox; the scripts kill theirs, this is the backstop. */
    static void killLeftovers() {
        var list = api.get("/v1/sandboxes");
        if (list.status() != 200) return;
        for (var s : list.json().path("sandboxes").isMissingNode()
                ? list.json()
                : list.json().path("sandboxes")) {
            String status = s.path("status").asString();
            if (!"stopped".equals(status))
                api.delete("/v1/sandboxes/" + s.path("id").asString());
        }
    }

    static Map<String, String> sdkEnv() {
        String base = server.baseUri().toString();
        var env = new HashMap<String, String>();
        env.put("E2B_API_URL", base);
        env.put("E2B_SANDBOX_URL", base);
        env.put("E2B_API_KEY", apiKey);
        env.put("WRENN_E2B_RUN", UUID.randomUUID().toString().substring(0, 12));
        return env;
    }

    @Test
    void aSandboxFromCreateToKill() {
        var env = sdkEnv();
        env.put("WRENN_E2B_OTHER_API_KEY", otherTeamKey);
        node.run("sandbox.mjs", env, SCRIPT_LIMIT);
    }

    @Test
    void timeoutsPausesConnectsAndListsWithANamedTemplate() {
        String template = "sdk-" + UUID.randomUUID().toString().substring(0, 8);
        makeTemplate(template);
        try {
            var env = sdkEnv();
            env.put("WRENN_E2B_TEMPLATE", template);
            node.run("lifecycle.mjs", env, SCRIPT_LIMIT);
        } finally {
            api.delete("/v1/snapshots/" + template);
        }
    }

    @Test
    void theOlderSdkThroughTheUnversionedRoutes() {
        node.run("legacy.mjs", sdkEnv(), SCRIPT_LIMIT);
    }

    /** A snapshot template made through /v1, marked with its own name for the script to find. */
    static void makeTemplate(String name) {
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var mark = api.post(
                "/v1/sandboxes/" + id + "/exec",
                ApiClient.JSON.writeValueAsString(Map.of("cmd", "echo " + name + " > /etc/wrenn-template-mark")));
        assertThat(mark.status()).as(mark.toString()).isEqualTo(200);
        assertThat(mark.json().get("exit_code").asInt()).as(mark.toString()).isZero();
        var snap = api.post("/v1/snapshots", "{\"sandbox_id\":\"" + id + "\",\"name\":\"" + name + "\"}");
        assertThat(snap.status()).as(snap.toString()).isEqualTo(201);
    }
}
