package dev.wrenn.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What every response shares: the envelope for every error, health, metrics and the contract. */
class HttpBasicsIT {
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("WRENN_MAX_BODY_BYTES", "4096"));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void unknownRouteIs404InTheEnvelope() {
        var r = api.get("/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
        assertThat(api.get("/nothing-here").status()).isEqualTo(404);
        // The root is the web dashboard's page (dashboard.DashboardRoutes), not an API route.
        var root = api.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.header("Content-Type")).startsWith("text/html");
    }

    @Test
    void wrongMethodIs405InTheEnvelope() {
        var r = api.send("PUT", "/v1/auth/signup", HttpRequest.BodyPublishers.ofString("{}"), "application/json");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.errorCode()).isEqualTo("method_not_allowed");
        assertThat(r.json().path("error").path("message").asString()).contains("PUT");
    }

    @Test
    void bodyOverTheConfiguredLimitIs413() {
        String big = "{\"email\":\"" + "a".repeat(5000) + "@example.com\",\"password\":\"long enough\"}";
        var r = api.post("/v1/auth/signup", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    void noStackTraceEverReachesTheClient() {
        for (var r : new dev.wrenn.controlplane.testing.ApiResponse[] {
            api.post("/v1/auth/signup", "{\"email\":"),
            api.post("/v1/auth/login", "\u0000\u0001"),
            api.get("/v1/sandboxes/%2e%2e"),
        }) {
            assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.errorCode()).isNotNull();
        }
    }

    @Test
    void healthz() {
        var r = api.get("/healthz");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("ok");
    }

    @Test
    void metricsCountRequestsByRouteTemplateAndStatusWithLatencyHistograms() {
        api.post("/v1/auth/login", "{\"email\":\"nobody@example.com\",\"password\":\"whatever1\"}");
        api.get("/v1/sandboxes/sb-some-id");
        var r = api.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        String text = r.text();
        assertThat(text)
                .contains("wrenn_http_server_requests_seconds_count{method=\"POST\","
                        + "route=\"/v1/auth/login\",status=\"401\"}");
        assertThat(text).contains("wrenn_http_server_requests_seconds_bucket{");
        // Routes are recorded by template, never by raw path.
        assertThat(text).contains("route=\"/v1/sandboxes/{id}\"").doesNotContain("sb-some-id");
    }

    @Test
    void servesItsContract() throws Exception {
        var r = api.get("/openapi.yaml");
        assertThat(r.status()).isEqualTo(200);
        // The served contract is the repository's api/openapi.yaml, byte for byte.
        Path file = Path.of(System.getProperty("user.dir")).getParent().resolve("api/openapi.yaml");
        assertThat(r.bytes()).isEqualTo(Files.readAllBytes(file));
        assertThat(r.text()).contains("openapi: \"3.1.0\"");
    }
}
