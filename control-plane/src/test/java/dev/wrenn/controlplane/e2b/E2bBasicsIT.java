package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The E2B surface where no VM is needed, over real HTTP against a real server and PostgreSQL:
 * its error shape (authentication and unknown routes included), its document, templates, lists
 * and the requests it refuses before any host is asked.
 */
class E2bBasicsIT {
    static TestServer server;
    static ApiClient api;
    static E2bClient e2b;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = server.client();
        var account = Accounts.signUp(api);
        var created = api.withBearer(account.token()).post("/v1/api-keys", "{\"format\":\"e2b\"}");
        e2b = new E2bClient(server.baseUri(), created.json().get("key").asString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authenticationFailuresAre401InE2bsShape() {
        for (var client : new E2bClient[] {e2b.withKey(null), e2b.withKey("e2b_" + "1".repeat(40))}) {
            for (String path : new String[] {"/v2/sandboxes", "/sandboxes", "/sandboxes/sb-x", "/templates"}) {
                var r = client.get(path);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.json().get("code").asInt()).isEqualTo(401);
                assertThat(r.message()).isNotBlank();
            }
            assertThat(client.post("/v2/sandboxes", "{}").status()).isEqualTo(401);
        }
        // /v1 keeps its own envelope.
        var v1 = api.get("/v1/sandboxes");
        assertThat(v1.status()).isEqualTo(401);
        assertThat(v1.errorCode()).isEqualTo("unauthorized");
    }

    @Test
    void unknownRoutesUnderE2bsPathsAre404InE2bsShape() {
        for (String[] call : new String[][] {
            {"GET", "/v2/nothing"},
            {"POST", "/sandboxes/sb-x/fork"},
            {"POST", "/sandboxes/sb-x/network"},
            {"PUT", "/sandboxes"},
            {"POST", "/v3/templates"},
            {"GET", "/volumes"},
            {"DELETE", "/templates/my-template"},
            {"GET", "/sandboxes/sb-x/logs"},
        }) {
            var r = e2b.send(call[0], call[1], call[0].equals("GET") ? null : "{}");
            assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(404);
            assertThat(r.json().get("code").asInt()).isEqualTo(404);
            assertThat(r.message()).contains(call[1]);
        }
        // Outside E2B's paths, an unknown route is still /v1's 404.
        assertThat(api.get("/nowhere").errorCode()).isEqualTo("not_found");
    }

    @Test
    void theE2bDocumentIsServed() throws Exception {
        var r = api.get(E2bRoutes.OPENAPI_PATH);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/yaml");
        try (InputStream in = E2bRoutes.class.getResourceAsStream(E2bRoutes.OPENAPI_RESOURCE)) {
            assertThat(r.bytes()).isEqualTo(in.readAllBytes());
        }
        assertThat(r.text()).contains("/v2/sandboxes/{sandboxID}/connect");
    }

    @Test
    void templatesListTheBaseImageUnderBothNames() {
        var r = e2b.get("/templates");
        assertThat(r.status()).isEqualTo(200);
        var minimal = r.json()
                .valueStream()
                .filter(t -> t.get("templateID").asString().equals("minimal"))
                .findFirst()
                .orElseThrow();
        assertThat(minimal.get("aliases").valueStream().map(n -> n.asString())).containsExactly("minimal", "base");
        assertThat(minimal.get("public").asBoolean()).isTrue();
        assertThat(minimal.get("envdVersion").asString()).isEqualTo(EnvdVersion.VALUE);
    }

    @Test
    void anEmptyListIsTheLastPage() {
        var r = e2b.get("/v2/sandboxes?state=running,paused&limit=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().isEmpty()).isTrue();
        assertThat(r.header(E2bSandboxRoutes.NEXT_TOKEN)).isNull();
        assertThat(e2b.get("/sandboxes").json().isEmpty()).isTrue();
    }

    @Test
    void badListParametersAre400() {
        for (String q : new String[] {
            "state=stopped",
            "state=running,killed",
            "limit=0",
            "limit=101",
            "limit=x",
            "nextToken=nope",
            "order=sideways",
            "startedAfter=yesterday",
            "metadata=novalue"
        }) {
            var r = e2b.get("/v2/sandboxes?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
        }
        for (String q : new String[] {"status=gone", "limit=0", "limit=1001", "cursor=%21", "metadata=novalue"}) {
            var r = api.withApiKey(keyOf(e2b)).get("/v1/sandboxes?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_request");
        }
    }

    @Test
    void createRefusesWhatItCannotHonourBeforeAskingAnyHost() {
        for (String body : new String[] {
            "{\"templateID\":\"base\",\"cpuCount\":4}",
            "{\"allow_internet_access\":\"no\"}",
            "{\"network\":{\"denyOut\":[\"0.0.0.0/33\"]}}",
            "{\"mcp\":{\"github\":{}}}",
            "{\"timeout\":0}",
            "{\"metadata\":{\"k\":1}}",
            "[]",
            "{oops",
        }) {
            for (String path : new String[] {"/v2/sandboxes", "/sandboxes"}) {
                var r = e2b.post(path, body);
                assertThat(r.status()).as(path + " " + body).isEqualTo(400);
                assertThat(r.json().get("code").asInt()).isEqualTo(400);
            }
        }
        // Valid, but this server has no host agent: E2B's 503, which the SDK reports as busy.
        var r = e2b.post("/v2/sandboxes", "{\"templateID\":\"base\"}");
        assertThat(r.status()).isEqualTo(503);
    }

    @Test
    void unknownSandboxesAre404() {
        assertThat(e2b.get("/sandboxes/sb-nope").status()).isEqualTo(404);
        assertThat(e2b.delete("/sandboxes/sb-nope").status()).isEqualTo(404);
        assertThat(e2b.post("/sandboxes/sb-nope/pause", "").status()).isEqualTo(404);
        assertThat(e2b.post("/sandboxes/sb-nope/timeout", "{\"timeout\":5}").status())
                .isEqualTo(404);
        assertThat(e2b.post("/v2/sandboxes/sb-nope/connect", "{\"timeout\":5}").status())
                .isEqualTo(404);
        assertThat(e2b.get("/sandboxes/sb-nope/metrics").status()).isEqualTo(404);
    }

    private static String keyOf(E2bClient client) {
        return client.apiKey();
    }
}
