package dev.wrenn.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

/** Fixtures at the account lifecycle stages: signed up, holding an API key. */
public final class Accounts {
    private Accounts() {}

    public record Account(String email, String password, String token, String userId, String teamId) {}

    public static String uniqueEmail() {
        return "user-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    public static Account signUp(ApiClient api) {
        String email = uniqueEmail();
        String password = "correct horse battery";
        var r = api.post("/v1/auth/signup", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Account(
                email,
                password,
                r.json().get("token").asString(),
                r.json().get("user_id").asString(),
                r.json().get("team_id").asString());
    }

    /** A client acting for a brand-new team: signed up, holding one of its API keys. */
    public static ApiClient newTeam(ApiClient anonymous) {
        return anonymous.withApiKey(apiKey(anonymous, signUp(anonymous)));
    }

    /** Signs up a new account and returns one of its team's API keys in plaintext. */
    public static String apiKey(ApiClient api, Account account) {
        var r = api.withBearer(account.token()).post("/v1/api-keys", "{\"name\":\"test\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("key").asString();
    }
}
