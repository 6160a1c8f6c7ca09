package dev.wrenn.controlplane.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitIT {
    @Test
    void perKeyBudgetAnswers429WithRetryAfterAndOtherKeysStillPass() {
        try (var server = TestServer.start(Map.of("WRENN_RATE_LIMIT_RPS", "1", "WRENN_RATE_LIMIT_BURST", "3"))) {
            var anon = server.client();
            var team = Accounts.newTeam(anon);
            int limited = 0;
            for (int i = 0; i < 6; i++) {
                var r = team.get("/v1/snapshots");
                if (r.status() == 429) {
                    limited++;
                    assertThat(r.errorCode()).isEqualTo("rate_limited");
                    assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
                } else {
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(2);
            // The E2B surface answers the same budget in E2B's shape.
            var e2b = team.get("/templates");
            assertThat(e2b.status()).isEqualTo(429);
            assertThat(e2b.json().get("code").asInt()).isEqualTo(429);
            assertThat(e2b.header("Retry-After")).isNotNull();
        }
    }
}
