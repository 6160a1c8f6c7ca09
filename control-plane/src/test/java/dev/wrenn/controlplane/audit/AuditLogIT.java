package dev.wrenn.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditLogIT {
    private static List<String> actions(JsonNode events) {
        var out = new ArrayList<String>();
        events.forEach(e -> out.add(e.get("action").asString()));
        return out;
    }

    @Test
    void accountAndKeyActionsAreRecordedInTheTeamAndOnlyThere() {
        try (var server = TestServer.start()) {
            var api = server.client();
            var a = Accounts.signUp(api);
            var user = api.withBearer(a.token());
            api.post("/v1/auth/login", "{\"email\":\"" + a.email() + "\",\"password\":\"nope nope nope\"}");
            api.post("/v1/auth/login", "{\"email\":\"" + a.email() + "\",\"password\":\"" + a.password() + "\"}");
            var key = user.post("/v1/api-keys", "{\"name\":\"k\"}");
            String keyId = key.json().get("id").asString();
            assertThat(user.delete("/v1/api-keys/" + keyId).status()).isEqualTo(204);

            var all = user.get("/v1/audit");
            assertThat(all.status()).as(all.toString()).isEqualTo(200);
            assertThat(actions(all.json()))
                    .containsExactly("api_key_deleted", "api_key_created", "login_succeeded", "login_failed", "signup");
            assertThat(all.text()).doesNotContain(key.json().get("key").asString());
            var created = all.json().get(1);
            assertThat(created.get("actor_type").asString()).isEqualTo("user");
            assertThat(created.get("actor_id").asString()).isEqualTo(a.userId());
            assertThat(created.get("target_id").asString()).isEqualTo(keyId);
            assertThat(created.get("client_address").asString()).isNotEmpty();

            var filtered = user.get("/v1/audit?action=login_failed");
            assertThat(actions(filtered.json())).containsExactly("login_failed");
            var page = user.get("/v1/audit?limit=2");
            assertThat(page.json().size()).isEqualTo(2);
            var next = user.get("/v1/audit?limit=2&cursor=" + page.header("X-Next-Cursor"));
            assertThat(actions(next.json())).containsExactly("login_succeeded", "login_failed");
            assertThat(user.get("/v1/audit?limit=0").status()).isEqualTo(400);
            assertThat(user.get("/v1/audit?action=nope").status()).isEqualTo(400);

            // Another team sees only its own events, by key and by session.
            var b = Accounts.signUp(api);
            var other = user.get("/v1/audit").json().size();
            assertThat(actions(api.withBearer(b.token()).get("/v1/audit").json()))
                    .containsExactly("signup");
            var bKey = api.withApiKey(Accounts.apiKey(api, b)).get("/v1/audit");
            assertThat(actions(bKey.json())).containsExactly("api_key_created", "signup");
            assertThat(other).isEqualTo(5);
            assertThat(api.get("/v1/audit").status()).isEqualTo(401);
        }
    }
}
