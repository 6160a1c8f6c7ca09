package dev.wrenn.controlplane.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import dev.wrenn.controlplane.testing.NodeScripts;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /mcp} as agents meet it: the official MCP TypeScript SDK's client (compat/mcp, pinned) lists the tools,
 * calls each against real sandboxes and runs an agent's session over streamable HTTP; the transport's rules hold
 * for raw requests; and a tool acts only within the caller's team.
 */
class McpIT {
    static TestServer server;
    static ApiClient anonymous;
    static ApiClient api;
    static String apiKey;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        anonymous = server.client();
        apiKey = Accounts.apiKey(anonymous, Accounts.signUp(anonymous));
        api = anonymous.withApiKey(apiKey);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theMcpSdkClientRunsASessionOverStreamableHttp() {
        NodeScripts.mcp()
                .run(
                        "session.mjs",
                        List.of("http", server.baseUri().toString(), apiKey),
                        Map.of(),
                        Duration.ofMinutes(5));
    }

    @Test
    void theTransportAnswersPlainJsonAndRefusesWhatItDoesNotOffer() {
        var ping = mcp(api, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        assertThat(ping.header("Content-Type")).startsWith("application/json");
        assertThat(ping.header("Mcp-Session-Id")).as("stateless: no session").isNull();

        assertThat(mcp(api, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .status())
                .isEqualTo(202);
        var batch = mcp(
                api,
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}]");
        assertThat(batch.json().size()).isEqualTo(2);
        assertThat(batch.json().get(1).path("result").path("tools").size()).isEqualTo(10);

        var notJson = mcp(api, "{nope");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.errorCode()).isEqualTo("invalid_json");

        var version = mcp(
                api.withHeader("MCP-Protocol-Version", "2020-01-01"),
                "{\"jsonrpc\":\"2.0\",\"id\":1," + "\"method\":\"ping\"}");
        assertThat(version.status()).isEqualTo(400);
        assertThat(version.errorCode()).isEqualTo("invalid_request");

        assertThat(api.get("/mcp").status()).isEqualTo(405);
        assertThat(api.delete("/mcp").status()).isEqualTo(405);
    }

    @Test
    void aCallerNeedsACredentialAndABrowserPageOfAnotherSiteIsRefused() {
        var none = mcp(anonymous, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(none.status()).isEqualTo(401);
        var wrong = mcp(
                anonymous.withApiKey("wrn_" + "0".repeat(48)), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(wrong.status()).isEqualTo(401);

        var rebound = mcp(
                api.withHeader("Origin", "http://evil.example:8080"),
                "{\"jsonrpc\":\"2.0\",\"id\":1," + "\"method\":\"ping\"}");
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.errorCode()).isEqualTo("permission_denied");
        var local = mcp(
                api.withHeader("Origin", "http://localhost:6274"),
                "{\"jsonrpc\":\"2.0\",\"id\":1," + "\"method\":\"ping\"}");
        assertThat(local.status()).isEqualTo(200);
    }

    @Test
    void aToolReachesOnlyTheCallersOwnSandboxes() {
        var created = api.post("/v1/sandboxes", "{\"template\":\"minimal\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").asString();
        try {
            var other = anonymous.withApiKey(Accounts.apiKey(anonymous, Accounts.signUp(anonymous)));
            var foreign = runCommand(other, id);
            assertThat(foreign.path("isError").asBoolean()).isTrue();
            assertThat(foreign.path("content").get(0).path("text").asString()).contains("not_found");

            var own = runCommand(api, id);
            assertThat(own.path("isError").asBoolean()).as(own.toString()).isFalse();
            assertThat(own.path("structuredContent").path("stdout").asString()).isEqualTo("mine\n");
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    private static tools.jackson.databind.JsonNode runCommand(ApiClient client, String id) {
        var r = mcp(
                client,
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"run_command\",\"arguments\":{\"sandbox_id\":\"" + id + "\",\"command\":\"echo mine\"}}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("result");
    }

    private static ApiResponse mcp(ApiClient client, String body) {
        return client.send("POST", "/mcp", HttpRequest.BodyPublishers.ofString(body), "application/json");
    }
}
