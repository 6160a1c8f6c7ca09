package dev.wrenn.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignupLoginIT {
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

    private static String body(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void signupCreatesUserAndTeamAndReturnsAWorkingToken() {
        String email = Accounts.uniqueEmail();
        var r = api.post("/v1/auth/signup", body(email, "long enough"));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("email").asString()).isEqualTo(email);
        assertThat(r.json().get("user_id").asString()).startsWith("usr_");
        assertThat(r.json().get("team_id").asString()).startsWith("team_");

        // The token is a real session: it opens the api-keys routes.
        var keys = api.withBearer(r.json().get("token").asString()).get("/v1/api-keys");
        assertThat(keys.status()).isEqualTo(200);
        assertThat(keys.json().size()).isZero();
    }

    @Test
    void tokenIsHs256AndValidForSixHours() {
        var account = Accounts.signUp(api);
        String[] parts = account.token().split("\\.");
        assertThat(parts).hasSize(3);
        var header = ApiClient.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        var claims = ApiClient.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asString()).isEqualTo("HS256");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(6 * 3600);
        assertThat(claims.get("sub").asString()).isEqualTo(account.userId());
        assertThat(claims.get("team_id").asString()).isEqualTo(account.teamId());
    }

    @Test
    void takenEmailIs409AlsoWithDifferentCase() {
        var account = Accounts.signUp(api);
        var again = api.post("/v1/auth/signup", body(account.email().toUpperCase(), "another password"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("email_taken");
    }

    @Test
    void parallelSignupsWithOneEmailCreateExactlyOneAccount() throws Exception {
        String email = Accounts.uniqueEmail();
        int n = 16;
        var tasks = new ArrayList<Callable<ApiResponse>>();
        for (int i = 0; i < n; i++) tasks.add(() -> api.post("/v1/auth/signup", body(email, "racing password")));
        var statuses = new ArrayList<Integer>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<ApiResponse> f : pool.invokeAll(tasks))
                statuses.add(f.get().status());
        }
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(n - 1);
        assertThat(api.post("/v1/auth/login", body(email, "racing password")).status())
                .isEqualTo(200);
    }

    @Test
    void invalidSignupsAre400WithAClearMessage() {
        for (String bad : new String[] {
            body("not-an-email", "long enough"),
            body("a@b", "long enough"),
            body("two@@example.com", "long enough"),
            body(Accounts.uniqueEmail(), "short"),
            "{\"email\":\"" + Accounts.uniqueEmail() + "\"}",
            "{\"password\":\"long enough\"}",
            "{\"email\":42,\"password\":\"long enough\"}",
            "{}",
        }) {
            var r = api.post("/v1/auth/signup", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.errorCode()).as(bad).isEqualTo("invalid_request");
            assertThat(r.json().path("error").path("message").asString()).isNotBlank();
        }
    }

    @Test
    void malformedJsonIs400() {
        var r = api.post("/v1/auth/signup", "{\"email\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_json");
        var notObject = api.post("/v1/auth/login", "[1,2]");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.errorCode()).isEqualTo("invalid_json");
    }

    @Test
    void loginReturnsTheAccountsTeam() {
        var account = Accounts.signUp(api);
        var r = api.post("/v1/auth/login", body(account.email(), account.password()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("user_id").asString()).isEqualTo(account.userId());
        assertThat(r.json().get("team_id").asString()).isEqualTo(account.teamId());
        assertThat(r.json().get("token").asString()).isNotBlank();
    }

    @Test
    void failedLoginDoesNotRevealWhetherTheEmailExists() {
        var account = Accounts.signUp(api);
        var wrongPassword = api.post("/v1/auth/login", body(account.email(), "wrong password"));
        var unknownEmail = api.post("/v1/auth/login", body(Accounts.uniqueEmail(), "wrong password"));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.json()).isEqualTo(unknownEmail.json());
    }
}
