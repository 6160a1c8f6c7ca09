package dev.wrenn.controlplane.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiKeysIT {
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createShowsThePlaintextKeyOnceAndListNeverDoes() {
        var account = Accounts.signUp(api);
        var user = api.withBearer(account.token());
        var created = user.post("/v1/api-keys", "{\"name\":\"ci\"}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().get("key").asString();
        assertThat(key).matches("wrn_[0-9a-f]{48}"); // 192 random bits
        assertThat(created.json().get("key_prefix").asString()).isEqualTo(key.substring(0, 12) + "...");
        assertThat(created.json().get("name").asString()).isEqualTo("ci");
        assertThat(created.json().get("team_id").asString()).isEqualTo(account.teamId());
        assertThat(created.json().get("last_used").isNull()).isTrue();

        var listed = user.get("/v1/api-keys");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().size()).isEqualTo(1);
        assertThat(listed.json().get(0).has("key")).isFalse();
        assertThat(listed.text()).doesNotContain(key);
        assertThat(listed.json().get(0).get("id").asString())
                .isEqualTo(created.json().get("id").asString());
    }

    @Test
    void anE2bShapedKeyIsIssuedOnRequestAndWorksLikeAnyOther() {
        var account = Accounts.signUp(api);
        var user = api.withBearer(account.token());
        var created = user.post("/v1/api-keys", "{\"name\":\"sdk\",\"format\":\"e2b\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String key = created.json().get("key").asString();
        // What E2B's SDKs 2.28 to 2.45 insist on: e2b_ and 40 lower-case hex digits (160 random bits).
        assertThat(key).matches("e2b_[0-9a-f]{40}");
        assertThat(created.json().get("key_prefix").asString()).isEqualTo(key.substring(0, 12) + "...");
        assertThat(user.post("/v1/api-keys", "{\"format\":\"wrenn\"}")
                        .json()
                        .get("key")
                        .asString())
                .matches("wrn_[0-9a-f]{48}");

        assertThat(api.withApiKey(key).get("/v1/sandboxes").status()).isEqualTo(200);
        assertThat(api.withApiKey(key).get("/v1/snapshots").status()).isEqualTo(200);
        assertThat(user.get("/v1/api-keys").text()).doesNotContain(key);
        // Only the hash is stored: a key of the right shape that was never issued is refused.
        assertThat(api.withApiKey("e2b_" + "0".repeat(40)).get("/v1/sandboxes").status())
                .isEqualTo(401);

        var bad = user.post("/v1/api-keys", "{\"format\":\"E2B\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("invalid_request");
        assertThat(user.post("/v1/api-keys", "{\"format\":1}").status()).isEqualTo(400);
    }

    @Test
    void nameDefaultsAndEmptyBodyIsAccepted() {
        var user = api.withBearer(Accounts.signUp(api).token());
        var r = user.post("/v1/api-keys", "");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("name").asString()).isEqualTo("Unnamed API Key");
        assertThat(user.post("/v1/api-keys", "{\"name\":7}").status()).isEqualTo(400);
    }

    @Test
    void keysAuthenticateSandboxRoutesAndLastUsedIsKeptCurrent() {
        var account = Accounts.signUp(api);
        String key = Accounts.apiKey(api, account);
        Instant before = Instant.now().minusSeconds(5);

        var sandboxes = api.withApiKey(key).get("/v1/sandboxes");
        assertThat(sandboxes.status()).isEqualTo(200);
        assertThat(sandboxes.json().isArray()).isTrue();

        var listed = api.withBearer(account.token()).get("/v1/api-keys");
        var lastUsed = Instant.parse(listed.json().get(0).get("last_used").asString());
        assertThat(lastUsed).isAfter(before);
    }

    @Test
    void missingOrBadCredentialsAre401InTheEnvelope() {
        var noKey = api.get("/v1/sandboxes");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.errorCode()).isEqualTo("unauthorized");
        assertThat(api.withApiKey("wrn_" + "0".repeat(48)).get("/v1/sandboxes").status())
                .isEqualTo(401);
        assertThat(api.withApiKey("garbage").get("/v1/sandboxes/sb-123").status())
                .isEqualTo(401);

        assertThat(api.get("/v1/api-keys").status()).isEqualTo(401);
        assertThat(api.withBearer("not.a.jwt").get("/v1/api-keys").status()).isEqualTo(401);
        // A JWT signed with another secret is refused.
        var other = new dev.wrenn.controlplane.auth.JwtService(
                "another-secret-0123456789abcdef0123456789".getBytes(), java.time.Clock.systemUTC());
        var forged = other.issue("usr_x", "team_x", "x@example.com");
        assertThat(api.withBearer(forged).get("/v1/api-keys").status()).isEqualTo(401);
        // An API key is not a session token, and a session token is not an API key.
        var account = Accounts.signUp(api);
        String key = Accounts.apiKey(api, account);
        assertThat(api.withBearer(key).get("/v1/api-keys").status()).isEqualTo(401);
        assertThat(api.withApiKey(account.token()).get("/v1/sandboxes").status())
                .isEqualTo(401);
    }

    @Test
    void deleteRemovesTheKeyAndItStopsWorking() {
        var account = Accounts.signUp(api);
        var user = api.withBearer(account.token());
        var created = user.post("/v1/api-keys", "{}");
        String id = created.json().get("id").asString();
        String key = created.json().get("key").asString();
        assertThat(api.withApiKey(key).get("/v1/sandboxes").status()).isEqualTo(200);

        assertThat(user.delete("/v1/api-keys/" + id).status()).isEqualTo(204);
        assertThat(api.withApiKey(key).get("/v1/sandboxes").status()).isEqualTo(401);
        assertThat(user.get("/v1/api-keys").json().size()).isZero();
        var again = user.delete("/v1/api-keys/" + id);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("not_found");
    }

    @Test
    void anotherTeamsKeyIs404AndUnchanged() {
        var alice = Accounts.signUp(api);
        var mallory = Accounts.signUp(api);
        var created = api.withBearer(alice.token()).post("/v1/api-keys", "{\"name\":\"alice\"}");
        String id = created.json().get("id").asString();
        String key = created.json().get("key").asString();

        var attempt = api.withBearer(mallory.token()).delete("/v1/api-keys/" + id);
        assertThat(attempt.status()).isEqualTo(404);
        assertThat(api.withBearer(mallory.token()).get("/v1/api-keys").json().size())
                .isZero();

        assertThat(api.withApiKey(key).get("/v1/sandboxes").status()).isEqualTo(200);
        assertThat(api.withBearer(alice.token()).get("/v1/api-keys").json().size())
                .isEqualTo(1);
    }

    @Test
    void keysAreStoredOnlyAsSha256() throws Exception {
        var account = Accounts.signUp(api);
        String key = Accounts.apiKey(api, account);
        // Read the table directly: no column holds the plaintext.
        var url = server.jdbcUrl();
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
                var rs = c.createStatement().executeQuery("SELECT * FROM team_api_keys")) {
            int cols = rs.getMetaData().getColumnCount();
            boolean found = false;
            while (rs.next()) {
                for (int i = 1; i <= cols; i++)
                    assertThat(String.valueOf(rs.getObject(i))).doesNotContain(key);
                if (ApiKeyService.sha256(key).equals(rs.getString("key_hash"))) found = true;
            }
            assertThat(found).isTrue();
        }
    }
}
