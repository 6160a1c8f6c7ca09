package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Snapshot templates through the API: make one, start from it, list, refuse, delete. */
class SnapshotTemplateIT {
    static TestServer server;
    static ApiClient api;
    static ApiClient mallory;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        api = Accounts.newTeam(anon);
        mallory = Accounts.newTeam(anon);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String sh(String id, String command) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("stdout").asString();
    }

    @Test
    void aTemplateCarriesTheSandboxStateIntoNewSandboxes() {
        var created = api.post("/v1/sandboxes", "{\"vcpus\":1,\"memory_mb\":384}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String source = created.json().get("id").asString();
        sh(source, "pip --version > /root/baked.txt; echo ready >> /root/baked.txt");

        var snap = api.post("/v1/snapshots", "{\"sandbox_id\":\"" + source + "\",\"name\":\"py-ready\"}");
        assertThat(snap.status()).as(snap.toString()).isEqualTo(201);
        assertThat(snap.json().get("name").asString()).isEqualTo("py-ready");
        assertThat(snap.json().get("type").asString()).isEqualTo("snapshot");
        assertThat(snap.json().get("vcpus").asInt()).isEqualTo(1);
        assertThat(snap.json().get("memory_mb").asInt()).isEqualTo(384);
        assertThat(snap.json().get("size_bytes").asLong()).isPositive();
        // Taking a snapshot consumes the sandbox.
        assertThat(api.get("/v1/sandboxes/" + source).json().get("status").asString())
                .isEqualTo("stopped");

        assertThat(api.post("/v1/snapshots", "{\"sandbox_id\":\"" + source + "\",\"name\":\"other\"}")
                        .status())
                .isEqualTo(409); // not running any more

        // The template's size is baked in: the request's is ignored.
        var clone = api.post("/v1/sandboxes", "{\"template\":\"py-ready\",\"memory_mb\":1024}");
        assertThat(clone.status()).as(clone.toString()).isEqualTo(201);
        String cloneId = clone.json().get("id").asString();
        assertThat(clone.json().get("memory_mb").asInt()).isEqualTo(384);
        assertThat(clone.json().get("template").asString()).isEqualTo("py-ready");
        assertThat(sh(cloneId, "tail -1 /root/baked.txt")).isEqualTo("ready\n");

        // In use: neither deleted nor overwritten under the clone.
        var inUse = api.delete("/v1/snapshots/py-ready");
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.errorCode()).isEqualTo("template_in_use");

        // Another team neither sees it nor starts from it nor deletes it.
        assertThat(mallory.get("/v1/snapshots").json().findValuesAsString("name"))
                .doesNotContain("py-ready");
        assertThat(mallory.post("/v1/sandboxes", "{\"template\":\"py-ready\"}").status())
                .isEqualTo(400);
        assertThat(mallory.delete("/v1/snapshots/py-ready").status()).isEqualTo(404);

        // A clone pauses and resumes like any sandbox.
        assertThat(api.post("/v1/sandboxes/" + cloneId + "/pause", "").status()).isEqualTo(200);
        assertThat(api.post("/v1/sandboxes/" + cloneId + "/resume", "").status())
                .isEqualTo(200);
        assertThat(sh(cloneId, "tail -1 /root/baked.txt")).isEqualTo("ready\n");

        // A name that exists needs ?overwrite=true.
        var taken = api.post("/v1/snapshots", "{\"sandbox_id\":\"" + cloneId + "\",\"name\":\"py-ready\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.errorCode()).isEqualTo("name_taken");

        assertThat(api.delete("/v1/sandboxes/" + cloneId).status()).isEqualTo(204);
        assertThat(api.delete("/v1/snapshots/py-ready").status()).isEqualTo(204);
        assertThat(api.delete("/v1/snapshots/py-ready").status()).isEqualTo(404);
        assertThat(api.post("/v1/sandboxes", "{\"template\":\"py-ready\"}").status())
                .isEqualTo(400);
    }

    @Test
    void namesAreGeneratedWhenOmittedAndListsFilterByType() {
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).isEqualTo(201);
        var snap = api.post(
                "/v1/snapshots", "{\"sandbox_id\":\"" + created.json().get("id").asString() + "\"}");
        assertThat(snap.status()).as(snap.toString()).isEqualTo(201);
        String name = snap.json().get("name").asString();
        assertThat(name).startsWith("snap-");

        var snapshots = api.get("/v1/snapshots?type=snapshot").json();
        assertThat(snapshots.findValuesAsString("name")).contains(name).doesNotContain("minimal");
        var bases = api.get("/v1/snapshots?type=base").json();
        assertThat(bases.findValuesAsString("name")).containsExactly("minimal");
        assertThat(bases.get(0).get("size_bytes").asLong()).isPositive();
        assertThat(api.get("/v1/snapshots").json().findValuesAsString("name")).contains("minimal", name);
        assertThat(api.get("/v1/snapshots?type=other").status()).isEqualTo(400);

        assertThat(api.delete("/v1/snapshots/minimal").status()).isEqualTo(404);
        assertThat(api.post("/v1/snapshots", "{\"sandbox_id\":\"sb-nope\"}").status())
                .isEqualTo(404);
        assertThat(api.post("/v1/snapshots", "{}").status()).isEqualTo(400);
        assertThat(api.delete("/v1/snapshots/" + name).status()).isEqualTo(204);
    }
}
