package dev.wrenn.controlplane.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.Socket;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** File-system routes and the watch socket through the API, on one real microVM. */
class FilesystemApiIT {
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

    static String fs(String rest) {
        return "/v1/sandboxes/" + id + "/fs/" + rest;
    }

    static void sh(String command) {
        var r = api.post("/v1/sandboxes/" + id + "/exec", ApiClient.JSON.writeValueAsString(Map.of("cmd", command)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("exit_code").asInt()).as(r.toString()).isZero();
    }

    @Test
    void makeStatListMoveRemove() {
        var made = api.post(fs("mkdir"), "{\"path\":\"/home/user/proj/src\",\"user\":\"user\"}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.json().get("type").asString()).isEqualTo("directory");
        assertThat(made.json().get("owner").asString()).isEqualTo("user");
        assertThat(api.post(fs("mkdir"), "{\"path\":\"/home/user/proj/src\"}").status())
                .isEqualTo(409);
        sh("printf abc > /home/user/proj/src/a.txt");
        var stat = api.get(fs("stat?path=/home/user/proj/src/a.txt"));
        assertThat(stat.json().get("size").asLong()).isEqualTo(3);
        var one = api.get(fs("list?path=/home/user/proj"));
        assertThat(one.json().findValues("name")).extracting(JsonNode::asString).containsExactly("src");
        var two = api.get(fs("list?path=/home/user/proj&depth=2"));
        assertThat(two.json().findValues("path")).extracting(JsonNode::asString).contains("/home/user/proj/src/a.txt");
        var moved = api.post(
                fs("move"), "{\"source\":\"/home/user/proj/src/a.txt\",\"destination\":\"/home/user/proj/b.txt\"}");
        assertThat(moved.json().get("path").asString()).isEqualTo("/home/user/proj/b.txt");
        assertThat(api.post(fs("remove"), "{\"path\":\"/home/user/proj\"}").status())
                .isEqualTo(204);
        assertThat(api.get(fs("stat?path=/home/user/proj")).errorCode()).isEqualTo("file_not_found");
    }

    @Test
    void badPathsAreRefused() {
        assertThat(api.get(fs("stat?path=etc/passwd")).errorCode()).isEqualTo("invalid_request");
        assertThat(api.get(fs("stat?path=/root/../etc/shadow")).errorCode()).isEqualTo("invalid_request");
        assertThat(api.get(fs("list?path=/etc/hostname")).status()).isEqualTo(400);
        assertThat(api.get(fs("list?path=/nope")).errorCode()).isEqualTo("file_not_found");
        assertThat(api.get(fs("list?path=/root&depth=0")).errorCode()).isEqualTo("invalid_request");
        assertThat(Socket.upgradeStatus(server, api, fs("watch?path=relative"))).isEqualTo(400);
    }

    @Test
    void theWatchSocketReportsChanges() throws Exception {
        sh("mkdir -p /root/w");
        List<String> types = new ArrayList<>();
        try (var ws = Socket.open(server, api, fs("watch?path=/root/w"))) {
            assertThat(ws.next().get("type").asString()).isEqualTo("start");
            sh("cd /root/w && echo x > f && mv f g && chmod 600 g && rm g && touch last");
            while (true) {
                JsonNode m = ws.next();
                types.add(m.get("type").asString());
                if (m.path("name").asString("").equals("last")) break;
            }
        }
        assertThat(types).contains("create", "write", "rename", "chmod", "remove");
    }
}
