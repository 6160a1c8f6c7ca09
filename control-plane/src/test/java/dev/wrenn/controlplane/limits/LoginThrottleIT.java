package dev.wrenn.controlplane.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleIT {
    private static String login(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void accountIsBlockedEvenWithTheRightPasswordAndUnknownEmailsBehaveAlike() {
        try (var server = TestServer.start(Map.of("WRENN_LOGIN_MAX_FAILURES", "3"))) {
            var api = server.client();
            var account = Accounts.signUp(api);
            String unknown = Accounts.uniqueEmail();
            for (String email : new String[] {account.email(), unknown}) {
                for (int i = 0; i < 3; i++) {
                    assertThat(api.post("/v1/auth/login", login(email, "wrong password!"))
                                    .status())
                            .isEqualTo(401);
                }
                var blocked = api.post("/v1/auth/login", login(email, "wrong password!"));
                assertThat(blocked.status()).isEqualTo(429);
                assertThat(blocked.errorCode()).isEqualTo("too_many_login_attempts");
                assertThat(Long.parseLong(blocked.header("Retry-After"))).isGreaterThan(0);
            }
            var right = api.post("/v1/auth/login", login(account.email(), account.password()));
            assertThat(right.status()).as(right.toString()).isEqualTo(429);
            // Another account from the same address is not blocked by the first (per-address max is 50).
            var other = Accounts.signUp(api);
            assertThat(api.post("/v1/auth/login", login(other.email(), other.password()))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void successResetsTheAccountsCount() {
        try (var server = TestServer.start(Map.of("WRENN_LOGIN_MAX_FAILURES", "2"))) {
            var api = server.client();
            var a = Accounts.signUp(api);
            assertThat(api.post("/v1/auth/login", login(a.email(), "wrong password!"))
                            .status())
                    .isEqualTo(401);
            assertThat(api.post("/v1/auth/login", login(a.email(), a.password()))
                            .status())
                    .isEqualTo(200);
            assertThat(api.post("/v1/auth/login", login(a.email(), "wrong password!"))
                            .status())
                    .isEqualTo(401);
            assertThat(api.post("/v1/auth/login", login(a.email(), a.password()))
                            .status())
                    .isEqualTo(200);
        }
    }
}
