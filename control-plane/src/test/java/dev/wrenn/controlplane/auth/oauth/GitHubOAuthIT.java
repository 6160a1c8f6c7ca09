package dev.wrenn.controlplane.auth.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ConfigException;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole GitHub login flow, browser steps included, against a local imitation of GitHub. */
class GitHubOAuthIT {
    static final String FRONTEND = "http://frontend.test";
    static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    static FakeGitHub github;
    static TestServer server;
    static ApiClient api;
    static final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        github = new FakeGitHub();
        // The callback URL must name the server's own port, so choose it up front.
        int port = TestServer.freePort();
        server = TestServer.start(Map.of(
                "WRENN_PORT",
                Integer.toString(port),
                "GITHUB_CLIENT_ID",
                FakeGitHub.CLIENT_ID,
                "GITHUB_CLIENT_SECRET",
                FakeGitHub.CLIENT_SECRET,
                "GITHUB_AUTHORIZE_URL",
                github.base() + "/login/oauth/authorize",
                "GITHUB_TOKEN_URL",
                github.base() + "/login/oauth/access_token",
                "GITHUB_API_URL",
                github.base() + "/api",
                "CP_PUBLIC_URL",
                "http://127.0.0.1:" + port,
                "OAUTH_REDIRECT_URL",
                FRONTEND));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        github.close();
    }

    static FakeGitHub.User newUser(String publicEmail, FakeGitHub.Email... emails) {
        long id = IDS.incrementAndGet();
        return new FakeGitHub.User(id, "octo" + id, publicEmail, List.of(emails));
    }

    record Landing(URI location, Map<String, String> query) {}

    /** Plays the browser: start, follow GitHub's consent redirect, then the callback. */
    static Landing login(FakeGitHub.User user) throws Exception {
        github.nextUser(user);
        var start = browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/v1/auth/oauth/github"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(start.statusCode()).isEqualTo(302);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Max-Age=600");
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(github.base() + "/login/oauth/authorize?");
        var consent = browser.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.discarding());
        URI callback = URI.create(consent.headers().firstValue("Location").orElseThrow());
        return callback(callback, cookie.substring(0, cookie.indexOf(';')));
    }

    static Landing callback(URI callback, String cookie) throws Exception {
        var req = HttpRequest.newBuilder(callback);
        if (cookie != null) req.header("Cookie", cookie);
        var landing = browser.send(req.build(), HttpResponse.BodyHandlers.discarding());
        assertThat(landing.statusCode()).isEqualTo(302);
        // The state cookie is cleared whatever the outcome.
        assertThat(landing.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        URI location = URI.create(landing.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(FRONTEND + "/auth/github/callback?");
        return new Landing(location, FakeGitHub.query(location.getRawQuery()));
    }

    @Test
    void newGitHubUserGetsAnAccountTeamAndWorkingToken() throws Exception {
        String email = Accounts.uniqueEmail();
        var landing = login(newUser(email));
        var q = landing.query();
        assertThat(q).containsKeys("token", "user_id", "team_id", "email").doesNotContainKey("error");
        assertThat(q.get("email")).isEqualTo(email);

        var keys = api.withBearer(q.get("token")).get("/v1/api-keys");
        assertThat(keys.status()).isEqualTo(200);
        // The OAuth-only account has no password: password login is refused.
        var pw = api.post("/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"anything-at-all\"}");
        assertThat(pw.status()).isEqualTo(401);
    }

    @Test
    void returningUserLogsIntoTheSameAccount() throws Exception {
        var user = newUser(Accounts.uniqueEmail());
        var first = login(user).query();
        var second = login(user).query();
        assertThat(second.get("user_id")).isEqualTo(first.get("user_id"));
        assertThat(second.get("team_id")).isEqualTo(first.get("team_id"));
    }

    @Test
    void privateEmailFallsBackToThePrimaryVerifiedAddress() throws Exception {
        String primary = Accounts.uniqueEmail();
        int before = github.emailCalls.get();
        var q = login(newUser(
                        null,
                        new FakeGitHub.Email(Accounts.uniqueEmail(), false, true),
                        new FakeGitHub.Email(primary, true, true)))
                .query();
        assertThat(q.get("email")).isEqualTo(primary);
        assertThat(github.emailCalls.get()).isGreaterThan(before);
    }

    @Test
    void noVerifiedEmailIsExchangeFailed() throws Exception {
        var q = login(newUser(null, new FakeGitHub.Email(Accounts.uniqueEmail(), true, false)))
                .query();
        assertThat(q).containsEntry("error", "exchange_failed").doesNotContainKey("token");
    }

    @Test
    void emailOfAnExistingPasswordAccountIsEmailTaken() throws Exception {
        var account = Accounts.signUp(api);
        var q = login(newUser(account.email())).query();
        assertThat(q).containsEntry("error", "email_taken").doesNotContainKey("token");
    }

    @Test
    void deniedConsentIsAccessDenied() throws Exception {
        var start = browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/v1/auth/oauth/github"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        var q = callback(server.baseUri().resolve("/v1/auth/oauth/github/callback?error=access_denied&state=x"), cookie)
                .query();
        assertThat(q).containsEntry("error", "access_denied");
    }

    @Test
    void stateMustMatchTheSignedCookie() throws Exception {
        var start = browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/v1/auth/oauth/github"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String state = FakeGitHub.query(
                        URI.create(start.headers().firstValue("Location").orElseThrow())
                                .getRawQuery())
                .get("state");
        String code = github.issueCode(newUser(Accounts.uniqueEmail()), "unused");
        var cb = "/v1/auth/oauth/github/callback?code=" + code + "&state=";

        // No cookie, a different state, and a tampered cookie are all invalid_state.
        assertThat(callback(server.baseUri().resolve(cb + state), null).query())
                .containsEntry("error", "invalid_state");
        assertThat(callback(server.baseUri().resolve(cb + "other"), cookie).query())
                .containsEntry("error", "invalid_state");
        String tampered = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");
        assertThat(callback(server.baseUri().resolve(cb + state), tampered).query())
                .containsEntry("error", "invalid_state");
    }

    @Test
    void missingCodeAndBadCodeAreReported() throws Exception {
        var start = browser.send(
                HttpRequest.newBuilder(server.baseUri().resolve("/v1/auth/oauth/github"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String state = FakeGitHub.query(
                        URI.create(start.headers().firstValue("Location").orElseThrow())
                                .getRawQuery())
                .get("state");
        assertThat(callback(server.baseUri().resolve("/v1/auth/oauth/github/callback?state=" + state), cookie)
                        .query())
                .containsEntry("error", "missing_code");
        assertThat(callback(
                                server.baseUri().resolve("/v1/auth/oauth/github/callback?code=forged&state=" + state),
                                cookie)
                        .query())
                .containsEntry("error", "exchange_failed");
    }

    @Test
    void parallelFirstLoginsOfOneIdentityMakeOneAccount() throws Exception {
        var user = newUser(Accounts.uniqueEmail());
        var tasks = new ArrayList<Callable<Map<String, String>>>();
        // Prepare each browser's state cookie and code first, so the callbacks really race.
        var prepared = new ArrayList<String[]>();
        for (int i = 0; i < 8; i++) {
            var start = browser.send(
                    HttpRequest.newBuilder(server.baseUri().resolve("/v1/auth/oauth/github"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            String cookie =
                    start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
            github.nextUser(user);
            var consent =
                    browser.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.discarding());
            prepared.add(new String[] {consent.headers().firstValue("Location").orElseThrow(), cookie});
        }
        for (var p : prepared) tasks.add(() -> callback(URI.create(p[0]), p[1]).query());
        var userIds = new HashSet<String>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var f : pool.invokeAll(tasks)) {
                var q = f.get();
                assertThat(q).doesNotContainKey("error");
                userIds.add(q.get("user_id"));
            }
        }
        assertThat(userIds).hasSize(1);
    }

    @Test
    void unknownProviderIs404() {
        var r = api.get("/v1/auth/oauth/gitlab");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("provider_not_found");
        assertThat(api.get("/v1/auth/oauth/gitlab/callback?code=x&state=y").status())
                .isEqualTo(404);
    }

    @Test
    void unconfiguredProviderIs404() {
        try (var plain = TestServer.start()) {
            var r = plain.client().get("/v1/auth/oauth/github");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("provider_not_found");
        }
    }

    @Test
    void oauthWithoutPublicUrlRefusesToStart() {
        var config = ControlPlaneConfig.from(Map.of(
                "WRENN_DATABASE_URL", "postgres://unused@127.0.0.1:1/x",
                "WRENN_JWT_SECRET", TestServer.JWT_SECRET,
                "GITHUB_CLIENT_ID", "id",
                "GITHUB_CLIENT_SECRET", "secret"));
        assertThatThrownBy(() -> ControlPlane.start(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CP_PUBLIC_URL");
    }
}
