package dev.wrenn.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.OpenApiContract;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's session token wherever an API key is taken, acting for the user's team, and either credential offered in
 * {@code Sec-WebSocket-Protocol} on an upgrade (what a browser can send). No sandbox runs here: a WebSocket that
 * passed authentication is told its sandbox does not exist (the upgrade that succeeds is DashboardIT's).
 */
class SessionTokenIT {
    static TestServer server;
    static ApiClient anon;
    static Accounts.Account account;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        anon = server.client();
        account = Accounts.signUp(anon);
        key = Accounts.apiKey(anon, account);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theSessionOpensWhatAKeyOpensForTheUsersTeam() {
        var user = anon.withBearer(account.token());
        for (String path : new String[] {"/v1/sandboxes", "/v1/snapshots", "/v1/templates/builds", "/v1/audit"}) {
            assertThat(user.get(path).status()).as(path).isEqualTo(200);
        }
        // E2B's surface takes it too.
        assertThat(user.get("/sandboxes").status()).isEqualTo(200);
        // Past authentication: this server has no host agent to run sandboxes on.
        var create = user.post("/v1/sandboxes", "{}");
        assertThat(create.errorCode()).as(create.toString()).isEqualTo("no_host_agent");
        // Another team's session sees none of this team's keys' work, and the other way round.
        var other = anon.withBearer(Accounts.signUp(anon).token());
        assertThat(other.get("/v1/audit").json().toString()).doesNotContain(account.teamId());
    }

    @Test
    void whenBothAreSentTheKeyCounts() {
        assertThat(anon.withApiKey(key)
                        .withBearer("not-a-token")
                        .get("/v1/sandboxes")
                        .status())
                .isEqualTo(200);
        var badKey = anon.withApiKey("wrn_" + "0".repeat(48))
                .withBearer(account.token())
                .get("/v1/sandboxes");
        assertThat(badKey.status()).isEqualTo(401);
    }

    @Test
    void missingWrongOrExpiredCredentialsAre401() {
        var none = anon.get("/v1/sandboxes");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("error").path("message").asString())
                .contains("X-API-Key")
                .contains("Authorization: Bearer");
        assertThat(anon.withBearer("not-a-token").get("/v1/sandboxes").status()).isEqualTo(401);
        assertThat(anon.withHeader("Authorization", "Basic dTpw")
                        .get("/v1/sandboxes")
                        .status())
                .isEqualTo(401);
        assertThat(anon.withBearer(expiredToken()).get("/v1/sandboxes").status())
                .isEqualTo(401);
        // A key cannot stand in for the session where only the session is taken.
        assertThat(anon.withApiKey(key).get("/v1/api-keys").status()).isEqualTo(401);
    }

    static String expiredToken() {
        byte[] secret = TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
        var clock = Clock.fixed(Instant.now().minus(JwtService.VALIDITY).minusSeconds(60), ZoneOffset.UTC);
        return new JwtService(secret, clock).issue(account.userId(), account.teamId(), account.email());
    }

    /** The answer to an upgrade offering {@code protocols}: always refused here (no sandbox), so status and headers. */
    record Refusal(int status, HttpHeaders headers, String body) {}

    static Refusal upgrade(String... protocols) throws Exception {
        var uri = URI.create(
                "ws://127.0.0.1:" + server.baseUri().getPort() + "/v1/sandboxes/sb-nosuchsandbox0/fs/watch?path=/tmp");
        try (var http = HttpClient.newHttpClient()) {
            var b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            if (protocols.length > 0) {
                String[] rest = new String[protocols.length - 1];
                System.arraycopy(protocols, 1, rest, 0, rest.length);
                b.subprotocols(protocols[0], rest);
            }
            b.buildAsync(uri, new WebSocket.Listener() {})
                    .get(20, TimeUnit.SECONDS)
                    .abort();
            throw new AssertionError("the upgrade of a socket to a sandbox that does not exist succeeded");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof WebSocketHandshakeException hs)) throw e;
            var r = hs.getResponse();
            String body = r.body() instanceof String s ? s : "";
            var problems = OpenApiContract.get().violationsOf("Error", ApiClient.JSON.readTree(body));
            assertThat(problems).as("refusal body " + body).isEmpty();
            return new Refusal(r.statusCode(), r.headers(), body);
        }
    }

    @Test
    void aWebSocketTakesEitherCredentialAsASubprotocol() throws Exception {
        String token = account.token();
        // Authenticated: the route then finds no such sandbox in the user's team.
        var bearer = upgrade("wrenn", "wrenn.bearer." + token);
        assertThat(bearer.status()).as(bearer.body()).isEqualTo(404);
        var byKey = upgrade("wrenn.key." + key, "wrenn");
        assertThat(byKey.status()).isEqualTo(404);
        // Never echoed, refused or not (Javalin would answer with the first protocol offered).
        assertThat(bearer.headers().map().toString()).doesNotContain(token);
        assertThat(byKey.headers().map().toString()).doesNotContain(key);

        assertThat(upgrade("wrenn", "wrenn.bearer." + expiredToken()).status()).isEqualTo(401);
        assertThat(upgrade("wrenn", "wrenn.key.wrn_" + "0".repeat(48)).status()).isEqualTo(401);
        assertThat(upgrade().status()).isEqualTo(401);
        assertThat(upgrade("wrenn").status()).isEqualTo(401);
    }

    @Test
    void aMalformedOfferIsA400ThatNeverEchoesTheToken() throws Exception {
        String token = account.token();
        for (var offer : new String[][] {
            {"wrenn.bearer." + token},
            {"wrenn", "wrenn.bearer." + token, "wrenn.key." + key},
            {"wrenn", "wrenn.cookie." + token},
        }) {
            var r = upgrade(offer);
            assertThat(r.status()).as(String.join(",", offer)).isEqualTo(400);
            assertThat(r.body()).contains("invalid_request").doesNotContain(token);
            assertThat(r.headers().map().toString()).doesNotContain(token);
        }
    }
}
