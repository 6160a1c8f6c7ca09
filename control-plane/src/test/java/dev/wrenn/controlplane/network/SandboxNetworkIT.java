package dev.wrenn.controlplane.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sandbox's egress policy through the public API, on a real microVM against a web host in its own
 * network namespace: internet off at create refuses it at once from inside the guest, a PUT that allows
 * it applies to the running sandbox and survives pause and resume, GET returns what is in force, E2B's
 * {@code allow_internet_access: false} is the same switch, bad policies are 400s that change nothing,
 * and another team sees none of it.
 */
class SandboxNetworkIT {
    static TestServer server;
    static ApiClient api;
    static ApiClient other;
    static TestWebHost web;

    @BeforeAll
    static void start() throws Exception {
        web = TestWebHost.start();
        server = TestServer.withSandboxes(Map.of());
        api = Accounts.newTeam(server.client());
        other = Accounts.newTeam(server.client());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (web != null) web.close();
    }

    /** What the guest's curl of the web host says: its HTTP code and exit status ("000 7": refused). */
    static String curl(String id) {
        var r = api.post(
                "/v1/sandboxes/" + id + "/exec",
                ApiClient.JSON.writeValueAsString(Map.of(
                        "cmd",
                        "sh",
                        "args",
                        List.of(
                                "-c",
                                "curl -sS -o /dev/null -m 10 -w '%{http_code}' http://" + TestWebHost.ADDRESS
                                        + "/; echo \" $?\""))));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString().strip();
    }

    static ApiResponse put(ApiClient as, String id, String policy) {
        return as.send(
                "PUT",
                "/v1/sandboxes/" + id + "/network",
                java.net.http.HttpRequest.BodyPublishers.ofString(policy),
                "application/json");
    }

    @Test
    void internetOffAtCreateThenAllowedLiveAndKeptAcrossPauseAndResume() {
        var r = api.post("/v1/sandboxes", "{\"network\": {\"allow_internet_access\": false}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("id").asString();
        try {
            assertThat(r.json().get("network").get("allow_internet_access").asBoolean())
                    .isFalse();
            // Refused at once: connection refused (curl 7), not a timeout (28).
            assertThat(curl(id)).isEqualTo("000 7");

            var bad = put(api, id, "{\"allow_out\": [\"198.19.0.2/33\"]}");
            assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
            assertThat(bad.errorCode()).isEqualTo("invalid_request");
            assertThat(put(other, id, "{\"allow_out\": [\"198.19.0.2\"]}").status())
                    .isEqualTo(404);
            assertThat(other.get("/v1/sandboxes/" + id + "/network").status()).isEqualTo(404);
            assertThat(curl(id)).isEqualTo("000 7");

            var ok = put(api, id, "{\"allow_internet_access\": false, \"allow_out\": [\"198.19.0.0/24\"]}");
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertThat(ok.json().get("allow_out").get(0).asString()).isEqualTo("198.19.0.0/24");
            assertThat(curl(id)).isEqualTo("200 0");

            assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status()).isEqualTo(200);
            var paused = api.get("/v1/sandboxes/" + id + "/network");
            assertThat(paused.json().get("allow_internet_access").asBoolean()).isFalse();
            // Changed while paused: the host agent holds it for the resume.
            assertThat(put(api, id, "{\"allow_internet_access\": false}").status())
                    .isEqualTo(200);
            assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status()).isEqualTo(200);
            assertThat(curl(id)).isEqualTo("000 7");
            assertThat(put(api, id, "{}").status()).isEqualTo(200);
            assertThat(curl(id)).isEqualTo("200 0");
            assertThat(api.get("/v1/sandboxes/" + id)
                            .json()
                            .get("network")
                            .get("allow_internet_access")
                            .asBoolean())
                    .isTrue();
        } finally {
            api.delete("/v1/sandboxes/" + id);
        }
    }

    @Test
    void e2bsInternetSwitchIsTheSame() throws Exception {
        var account = Accounts.signUp(server.client());
        String key = server.client()
                .withBearer(account.token())
                .post("/v1/api-keys", "{\"format\":\"e2b\"}")
                .json()
                .get("key")
                .asString();
        var e2b = server.client().withApiKey(key);
        var r = e2b.post("/sandboxes", "{\"templateID\":\"base\",\"allow_internet_access\":false}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("sandboxID").asString();
        try {
            var policy = e2b.get("/v1/sandboxes/" + id + "/network");
            assertThat(policy.status()).as(policy.toString()).isEqualTo(200);
            assertThat(policy.json().get("allow_internet_access").asBoolean()).isFalse();
            var exec = e2b.post(
                    "/v1/sandboxes/" + id + "/exec",
                    ApiClient.JSON.writeValueAsString(Map.of(
                            "cmd",
                            "sh",
                            "args",
                            List.of("-c", "curl -sS -m 10 http://" + TestWebHost.ADDRESS + "/; echo \" $?\""))));
            assertThat(exec.json().get("stdout").asString()).contains(" 7");
            // E2B's updateNetwork: allowOut wins over internet off.
            var up = e2b.send(
                    "PUT",
                    "/sandboxes/" + id + "/network",
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"allow_internet_access\":false,\"allowOut\":[\"" + TestWebHost.ADDRESS + "\"]}"),
                    "application/json");
            assertThat(up.status()).as(up.toString()).isEqualTo(204);
            var again = e2b.post(
                    "/v1/sandboxes/" + id + "/exec",
                    ApiClient.JSON.writeValueAsString(Map.of(
                            "cmd", "sh", "args", List.of("-c", "curl -sS -m 10 http://" + TestWebHost.ADDRESS + "/"))));
            assertThat(again.json().get("stdout").asString()).isEqualTo("web host " + TestWebHost.ADDRESS);
            // E2B's getInfo shows the policy in force.
            var info = e2b.get("/sandboxes/" + id).json();
            assertThat(info.get("allowInternetAccess").asBoolean()).isFalse();
            assertThat(info.get("network").get("allowOut").get(0).asString()).startsWith(TestWebHost.ADDRESS);
            var refused = e2b.send(
                    "PUT",
                    "/sandboxes/" + id + "/network",
                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"rules\":{\"a.com\":[{}]}}"),
                    "application/json");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("code").asInt()).isEqualTo(400);
        } finally {
            e2b.delete("/sandboxes/" + id);
        }
    }

    @Test
    void badPoliciesAreRefusedBeforeAnyVmIsMade() {
        var team = Accounts.newTeam(server.client());
        String many = IntStream.range(0, EgressPolicy.MAX_ENTRIES + 1)
                .mapToObj(i -> "\"10.0." + (i / 256) + "." + (i % 256) + "\"")
                .reduce((a, b) -> a + "," + b)
                .orElseThrow();
        for (String network : new String[] {
            "\"open\"",
            "{\"allow_internet_access\": \"yes\"}",
            "{\"allow_out\": \"10.0.0.0/8\"}",
            "{\"allow_out\": [1]}",
            "{\"allow_out\": [\"\"]}",
            "{\"deny_out\": [\"10.0.0.1/8\"]}",
            "{\"deny_out\": [\"300.1.1.1\"]}",
            "{\"deny_out\": [\"::1\"]}",
            "{\"deny_out\": [\"not a domain\"]}",
            "{\"deny_out\": [\"localhost\"]}",
            "{\"deny_out\": [\"" + "a".repeat(300) + ".com\"]}",
            "{\"allow_out\": [" + many + "]}",
            "{\"surprise\": true}",
        }) {
            var r = team.post("/v1/sandboxes", "{\"network\": " + network + "}");
            assertThat(r.status()).as(network + " " + r).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_request");
            assertThat(r.json().get("error").get("message").asString()).contains("network");
        }
        assertThat(team.get("/v1/sandboxes").json().size()).isZero();
    }
}
