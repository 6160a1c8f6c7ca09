package dev.wrenn.controlplane.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.Socket;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Background processes, attach sockets and the terminal through the API, on one real microVM. */
class ProcessApiIT {
    static TestServer server;
    static ApiClient api;
    static String id;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        api = Accounts.newTeam(server.client());
        var created = api.post("/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        id = created.json().get("id").asString();
    }

    @AfterAll
    static void stop() {
        if (id != null) api.delete("/v1/sandboxes/" + id);
        server.close();
    }

    static String base() {
        return "/v1/sandboxes/" + id + "/processes";
    }

    static long startProcess(Map<String, Object> body) {
        var r = api.post(base(), ApiClient.JSON.writeValueAsString(body));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("pid").asLong();
    }

    /** Output of an attach socket up to its exit message, which is returned last in the text. */
    static String drain(Socket ws, int[] exitCode) throws Exception {
        StringBuilder out = new StringBuilder();
        while (true) {
            JsonNode m = ws.next();
            String type = m.get("type").asString();
            if (type.equals("stdout")) out.append(m.get("data").asString());
            if (type.equals("exit")) {
                exitCode[0] = m.get("exit_code").asInt();
                return out.toString();
            }
            if (type.equals("error")) throw new AssertionError(m.toString());
        }
    }

    @Test
    void aBackgroundProcessRunsOnIsListedFeedsTwoSocketsAndLeavesItsExitCode() throws Exception {
        long pid = startProcess(Map.of(
                "cmd", "read line; echo got-$line; sleep 1; echo done",
                "tag", "api-bg",
                "stdin", true,
                "env", Map.of("GREETING", "hi"),
                "cwd", "/tmp"));
        var listed = api.get(base());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().findValues("pid")).extracting(JsonNode::asLong).contains(pid);
        assertThat(api.get(base() + "/" + pid).json().get("running").asBoolean())
                .isTrue();

        try (var first = Socket.open(server, api, base() + "/" + pid + "/stream");
                var second = Socket.open(server, api, base() + "/" + pid + "/stream")) {
            // Each socket gets output from the point of attach, which its start message marks.
            assertThat(first.next().get("type").asString()).isEqualTo("start");
            assertThat(second.next().get("type").asString()).isEqualTo("start");
            var w = api.post(base() + "/" + pid + "/stdin", "{\"data\":\"hello\\n\"}");
            assertThat(w.status()).as(w.toString()).isEqualTo(204);
            int[] c1 = {-99};
            int[] c2 = {-99};
            assertThat(drain(first, c1)).contains("got-hello").contains("done");
            assertThat(drain(second, c2)).contains("got-hello").contains("done");
            assertThat(c1[0]).isZero();
            assertThat(c2[0]).isZero();
            assertThat(first.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        var after = api.get(base() + "/" + pid);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(after.json().get("running").asBoolean()).isFalse();
        assertThat(after.json().get("exit_code").asInt()).isZero();
    }

    @Test
    void execAndTheExecStreamTakeEnvCwdAndUser() throws Exception {
        var r = api.post(
                "/v1/sandboxes/" + id + "/exec",
                "{\"cmd\":\"id -un; pwd; echo $GREETING\",\"env\":{\"GREETING\":\"hi there\"},"
                        + "\"cwd\":\"/tmp\",\"user\":\"user\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("stdout").asString()).isEqualTo("user\n/tmp\nhi there\n");
        var plain = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"id -un; pwd\"}");
        assertThat(plain.json().get("stdout").asString()).isEqualTo("root\n/root\n");
        // Relative to the user's home, as envd resolves it.
        var relative = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"pwd\",\"user\":\"user\",\"cwd\":\".\"}");
        assertThat(relative.json().get("stdout").asString()).isEqualTo("/home/user\n");

        try (var ws = Socket.open(server, api, "/v1/sandboxes/" + id + "/exec/stream")) {
            ws.send("{\"type\":\"start\",\"cmd\":\"id -un; pwd; echo $X\",\"env\":{\"X\":\"y\"},"
                    + "\"cwd\":\"/home/user\",\"user\":\"user\"}");
            assertThat(ws.next().get("type").asString()).isEqualTo("start");
            int[] exit = new int[1];
            assertThat(drain(ws, exit)).isEqualTo("user\n/home/user\ny\n");
            assertThat(exit[0]).isZero();
        }

        assertThat(api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\",\"user\":\"mallory\"}")
                        .errorCode())
                .isEqualTo("invalid_request");
        assertThat(api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\",\"env\":{\"A\":1}}")
                        .errorCode())
                .isEqualTo("invalid_request");
        var noDir = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\",\"cwd\":\"/no/such/dir\"}");
        assertThat(noDir.status()).as(noDir.toString()).isEqualTo(400);
        assertThat(noDir.errorCode()).isEqualTo("invalid_request");
    }

    @Test
    void signalsAndBadInputGetTheEnvelopeAndTheRightStatus() {
        long pid = startProcess(Map.of("cmd", "sleep", "args", java.util.List.of("600")));
        assertThat(api.post(base() + "/" + pid + "/signal", "{\"signal\":\"SIGNOPE\"}")
                        .errorCode())
                .isEqualTo("invalid_request");
        assertThat(api.post(base() + "/" + pid + "/signal", "{\"signal\":\"SIGTERM\"}")
                        .status())
                .isEqualTo(204);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> !api.get(base() + "/" + pid).json().get("running").asBoolean());
        assertThat(api.get(base() + "/" + pid).json().get("exit_code").asInt()).isEqualTo(143);

        assertThat(api.post(base() + "/999999/signal", "{}").status()).isEqualTo(404);
        assertThat(api.post(base() + "/abc/signal", "{}").errorCode()).isEqualTo("invalid_request");
        assertThat(api.post(base(), "{\"cmd\":\"true\",\"user\":\"mallory\"}").errorCode())
                .isEqualTo("invalid_request");
        assertThat(api.post(base(), "{}").errorCode()).isEqualTo("invalid_request");
        assertThat(api.get("/v1/sandboxes/sb-nope/processes").status()).isEqualTo(404);
        assertThat(Socket.upgradeStatus(server, api, "/v1/sandboxes/" + id + "/terminal?cols=0"))
                .isEqualTo(400);
    }

    @Test
    void aTerminalIsBinarySafeResizesAndEndsWithTheShell() throws Exception {
        try (var ws = Socket.open(server, api, "/v1/sandboxes/" + id + "/terminal?cols=80&rows=24&user=user")) {
            JsonNode start = ws.next();
            assertThat(start.get("type").asString()).isEqualTo("start");
            ws.send("{\"type\":\"resize\",\"cols\":100,\"rows\":40}");
            ws.sendBinary("stty size; id -un; exit 3\n".getBytes(StandardCharsets.UTF_8));
            JsonNode end = ws.next();
            assertThat(end.get("type").asString()).as(end.toString()).isEqualTo("exit");
            assertThat(end.get("exit_code").asInt()).isEqualTo(3);
            var screen = new ByteArrayOutputStream();
            for (byte[] b : ws.binaries) screen.writeBytes(b);
            String text = screen.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("40 100").contains("user");
        }
    }
}
