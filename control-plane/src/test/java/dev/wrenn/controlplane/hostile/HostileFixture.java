package dev.wrenn.controlplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One real control plane (with the real host agent and one running sandbox) that a hostile class shares between its
 * inputs, the baseline it is measured against, and the round trip that proves it still works afterwards.
 */
final class HostileFixture implements AutoCloseable {
    final TestServer server;
    final ApiClient api;
    final String key;
    final String sandbox;
    final RawHttp raw;
    private Leaks baseline;

    HostileFixture() {
        this(Map.of());
    }

    /** With these settings on top of the test defaults (a small stream cap, a short idle timeout). */
    HostileFixture(Map<String, String> env) {
        server = TestServer.withSandboxes(env);
        var account = Accounts.signUp(server.client());
        key = Accounts.apiKey(server.client(), account);
        api = server.client().withApiKey(key);
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        sandbox = created.json().get("id").asString();
        raw = new RawHttp(server.baseUri().getPort());
    }

    Map<String, String> auth() {
        return Map.of("X-API-Key", key);
    }

    /** Measured after one round trip, so pools the first requests start count as the baseline. */
    void takeBaseline() {
        roundTrip(sandbox);
        baseline = Leaks.measure(server);
    }

    /** Exec, upload and download on a sandbox; fails the test when any of them does not work. */
    void roundTrip(String id) {
        var exec = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"echo alive\"}");
        assertThat(exec.status()).as(exec.toString()).isEqualTo(200);
        assertThat(exec.json().get("stdout").asString()).isEqualTo("alive\n");
        byte[] content = ("round trip " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        var body = Multiparts.good("/tmp/roundtrip.txt", content);
        var up = raw.send(
                "POST", "/v1/sandboxes/" + id + "/files/write", Multiparts.headers(body, auth()), body.bytes());
        assertThat(up.status()).as(up.brief()).isEqualTo(204);
        var down = api.post("/v1/sandboxes/" + id + "/files/read", "{\"path\":\"/tmp/roundtrip.txt\"}");
        assertThat(down.status()).as(down.toString()).isEqualTo(200);
        assertThat(down.bytes()).isEqualTo(content);
    }

    /**
     * After the hostile inputs: the shared sandbox still works, a new sandbox can be created, used and destroyed, and
     * nothing grew against the baseline.
     */
    void stillWorksAndNothingLeaked() throws InterruptedException {
        roundTrip(sandbox);
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String fresh = created.json().get("id").asString();
        try {
            roundTrip(fresh);
        } finally {
            assertThat(api.delete("/v1/sandboxes/" + fresh).status()).isEqualTo(204);
        }
        List<String> grown = Leaks.settle(server, baseline);
        assertThat(grown).as("resources that grew during the hostile run").isEmpty();
    }

    @Override
    public void close() {
        try {
            api.delete("/v1/sandboxes/" + sandbox);
        } finally {
            server.close();
        }
    }
}
