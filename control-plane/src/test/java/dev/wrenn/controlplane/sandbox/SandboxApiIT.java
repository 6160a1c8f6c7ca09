package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox routes over real HTTP against real microVMs, every response checked against the contract. */
class SandboxApiIT {
    static TestServer server;
    static ApiClient api;
    static ApiClient mallory;
    static String id;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        api = Accounts.newTeam(anon);
        mallory = Accounts.newTeam(anon);
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        id = created.json().get("id").asString();
    }

    @AfterAll
    static void stop() {
        if (id != null) api.delete("/v1/sandboxes/" + id);
        server.close();
    }

    static ApiResponse exec(String json) {
        return api.post("/v1/sandboxes/" + id + "/exec", json);
    }

    @Test
    void createdSandboxIsRunningWithTheContractDefaults() {
        var s = api.get("/v1/sandboxes/" + id);
        assertThat(s.status()).isEqualTo(200);
        var j = s.json();
        assertThat(j.get("status").asString()).isEqualTo("running");
        assertThat(j.get("template").asString()).isEqualTo("minimal");
        assertThat(j.get("vcpus").asInt()).isEqualTo(1);
        assertThat(j.get("memory_mb").asInt()).isEqualTo(512);
        assertThat(j.get("timeout_sec").asInt()).isZero();
        assertThat(j.get("guest_ip").asString()).isNotBlank();
        assertThat(j.get("host_ip").asString()).isNotBlank();
        var created = Instant.parse(j.get("created_at").asString());
        var started = Instant.parse(j.get("started_at").asString());
        assertThat(started).isAfterOrEqualTo(created);

        var list = api.get("/v1/sandboxes");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsString("id")).contains(id);
    }

    @Test
    void execRunsPython() {
        var r = exec("{\"cmd\":\"python3\",\"args\":[\"-c\",\"print(6*7)\"]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("stdout").asString()).isEqualTo("42\n");
        assertThat(r.json().get("exit_code").asInt()).isZero();
        assertThat(r.json().get("encoding").asString()).isEqualTo("utf-8");
        assertThat(r.json().get("sandbox_id").asString()).isEqualTo(id);
        assertThat(r.json().get("cmd").asString()).isEqualTo("python3");
    }

    @Test
    void execWithoutArgsIsAShellCommandLine() {
        var r = exec("{\"cmd\":\"echo one two | wc -w\"}");
        assertThat(r.json().get("stdout").asString().strip()).isEqualTo("2");
    }

    @Test
    void failingCommandReturnsItsExitCodeAndStderr() {
        var r = exec("{\"cmd\":\"sh\",\"args\":[\"-c\",\"echo oops >&2; exit 3\"]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("exit_code").asInt()).isEqualTo(3);
        assertThat(r.json().get("stderr").asString()).isEqualTo("oops\n");
    }

    @Test
    void commandOverItsTimeoutIsKilledAndReported() {
        long t0 = System.nanoTime();
        var r = exec("{\"cmd\":\"sleep\",\"args\":[\"30\"],\"timeout_sec\":2}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("timed_out").asBoolean()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(25);
    }

    @Test
    void binaryOutputIsBase64() {
        var r = exec("{\"cmd\":\"printf '\\\\377\\\\376\\\\000A'\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("encoding").asString()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(r.json().get("stdout").asString()))
                .containsExactly((byte) 0xff, (byte) 0xfe, 0, 'A');
    }

    @Test
    void execAndPingKeepLastActiveAtCurrent() {
        var before = Instant.parse(
                api.get("/v1/sandboxes/" + id).json().get("last_active_at").asString());
        assertThat(api.post("/v1/sandboxes/" + id + "/ping", "").status()).isEqualTo(204);
        var afterPing = Instant.parse(
                api.get("/v1/sandboxes/" + id).json().get("last_active_at").asString());
        assertThat(afterPing).isAfter(before);
        exec("{\"cmd\":\"true\"}");
        var afterExec = Instant.parse(
                api.get("/v1/sandboxes/" + id).json().get("last_active_at").asString());
        assertThat(afterExec).isAfter(afterPing);
    }

    @Test
    void badRequestsAre400() {
        for (String bad : new String[] {
            "{\"vcpus\":0}",
            "{\"vcpus\":1000}",
            "{\"memory_mb\":16}",
            "{\"memory_mb\":10000000}",
            "{\"timeout_sec\":-1}",
            "{\"template\":\"no-such-template\"}",
            "{\"vcpus\":\"two\"}",
        }) {
            var r = api.post("/v1/sandboxes", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(exec("{}").status()).isEqualTo(400);
        assertThat(exec("{\"cmd\":\"true\",\"args\":\"notalist\"}").status()).isEqualTo(400);
        assertThat(exec("{\"cmd\":\"true\",\"timeout_sec\":0}").status()).isEqualTo(400);
        assertThat(api.post("/v1/sandboxes", "{oops").status()).isEqualTo(400);
    }

    @Test
    void unknownSandboxIs404() {
        assertThat(api.get("/v1/sandboxes/sb-nope").status()).isEqualTo(404);
        assertThat(api.post("/v1/sandboxes/sb-nope/exec", "{\"cmd\":\"true\"}").status())
                .isEqualTo(404);
        assertThat(api.post("/v1/sandboxes/sb-nope/ping", "").status()).isEqualTo(404);
        assertThat(api.delete("/v1/sandboxes/sb-nope").status()).isEqualTo(404);
    }

    @Test
    void anotherTeamSeesNothingAndChangesNothing() {
        String base = "/v1/sandboxes/" + id;
        assertThat(mallory.get(base).status()).isEqualTo(404);
        assertThat(mallory.get("/v1/sandboxes").json().findValuesAsString("id")).doesNotContain(id);
        assertThat(mallory.post(base + "/exec", "{\"cmd\":\"touch /tmp/mallory-was-here\"}")
                        .status())
                .isEqualTo(404);
        assertThat(mallory.post(base + "/ping", "").status()).isEqualTo(404);
        assertThat(mallory.post(base + "/files/read", "{\"path\":\"/etc/hostname\"}")
                        .status())
                .isEqualTo(404);
        assertThat(mallory.post(base + "/files/stream/read", "{\"path\":\"/etc/hostname\"}")
                        .status())
                .isEqualTo(404);
        assertThat(Multipart.upload(mallory, base + "/files/write", "/tmp/mallory", new byte[] {1})
                        .status())
                .isEqualTo(404);
        assertThat(Multipart.upload(mallory, base + "/files/stream/write", "/tmp/mallory", new byte[] {1})
                        .status())
                .isEqualTo(404);
        assertThat(WsClient.handshakeStatus(server, mallory, id)).isEqualTo(404);
        assertThat(mallory.delete(base).status()).isEqualTo(404);

        assertThat(api.get(base).json().get("status").asString()).isEqualTo("running");
        var check = exec("{\"cmd\":\"ls /tmp/mallory-was-here /tmp/mallory 2>&1; true\"}");
        assertThat(check.json().get("stdout").asString()).contains("No such file");
    }

    @Test
    void destroyDuringExecEndsTheExecWithAnErrorNotAHang() throws Exception {
        var other = api.post("/v1/sandboxes", "{}");
        assertThat(other.status()).as(other.toString()).isEqualTo(201);
        String victim = other.json().get("id").asString();
        var running = CompletableFuture.supplyAsync(
                () -> api.post("/v1/sandboxes/" + victim + "/exec", "{\"cmd\":\"sleep 60\",\"timeout_sec\":120}"));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(2))
                .until(() -> api.post("/v1/sandboxes/" + victim + "/exec", "{\"cmd\":\"pgrep -f 'sleep 60' || true\"}")
                        .json()
                        .get("stdout")
                        .asString()
                        .strip()
                        .matches("\\d+(\\s+\\d+)*"));
        assertThat(api.delete("/v1/sandboxes/" + victim).status()).isEqualTo(204);
        var r = running.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("sandbox_not_running");

        var after = api.get("/v1/sandboxes/" + victim);
        assertThat(after.json().get("status").asString()).isEqualTo("stopped");
        assertThat(api.post("/v1/sandboxes/" + victim + "/exec", "{\"cmd\":\"true\"}")
                        .status())
                .isEqualTo(409);
        assertThat(api.post("/v1/sandboxes/" + victim + "/ping", "").status()).isEqualTo(409);
        assertThat(api.delete("/v1/sandboxes/" + victim).status()).isEqualTo(204);
    }
}
