package dev.wrenn.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtServiceTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static JwtService at(Instant now) {
        return new JwtService(SECRET, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void roundTripsTheSession() {
        String token = at(T0).issue("usr_1", "team_1", "a@b.co");
        assertThat(at(T0.plusSeconds(60)).verify(token)).contains(new JwtService.Session("usr_1", "team_1", "a@b.co"));
    }

    @Test
    void expiresAfterSixHours() {
        String token = at(T0).issue("usr_1", "team_1", "a@b.co");
        assertThat(at(T0.plus(Duration.ofHours(6)).minusSeconds(1)).verify(token))
                .isPresent();
        assertThat(at(T0.plus(Duration.ofHours(6))).verify(token)).isEmpty();
    }

    @Test
    void refusesTamperedAndUnsignedTokens() {
        String token = at(T0).issue("usr_1", "team_1", "a@b.co");
        String[] p = token.split("\\.");
        String otherClaims = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        "{\"iss\":\"wrenn\",\"sub\":\"usr_2\",\"team_id\":\"team_2\",\"exp\":9999999999}".getBytes());
        assertThat(at(T0).verify(p[0] + "." + otherClaims + "." + p[2])).isEmpty();
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        assertThat(at(T0).verify(none + "." + otherClaims + ".")).isEmpty();
        assertThat(at(T0).verify("garbage")).isEmpty();
    }
}
