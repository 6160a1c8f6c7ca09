package dev.wrenn.controlplane.auth.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OAuthStateTest {
    private static final byte[] KEY = "k".repeat(32).getBytes();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static OAuthState at(Instant t) {
        return new OAuthState(KEY, Clock.fixed(t, ZoneOffset.UTC));
    }

    @Test
    void acceptsItsOwnFreshState() {
        var issued = at(T0).issue("github");
        assertThat(at(T0.plusSeconds(30)).verify(issued.cookieValue(), issued.nonce(), "github"))
                .isTrue();
    }

    @Test
    void refusesExpiredOtherProviderOtherNonceAndForgedCookies() {
        var issued = at(T0).issue("github");
        assertThat(at(T0.plus(OAuthState.VALIDITY)).verify(issued.cookieValue(), issued.nonce(), "github"))
                .isFalse();
        assertThat(at(T0).verify(issued.cookieValue(), issued.nonce(), "google"))
                .isFalse();
        assertThat(at(T0).verify(issued.cookieValue(), "other", "github")).isFalse();
        String[] p = issued.cookieValue().split("\\.");
        String extended = p[0] + "." + (Long.parseLong(p[1]) + 3600) + "." + p[2] + "." + p[3];
        assertThat(at(T0).verify(extended, issued.nonce(), "github")).isFalse();
        var otherKey = new OAuthState("x".repeat(32).getBytes(), Clock.fixed(T0, ZoneOffset.UTC)).issue("github");
        assertThat(at(T0).verify(otherKey.cookieValue(), otherKey.nonce(), "github"))
                .isFalse();
        assertThat(at(T0).verify(null, issued.nonce(), "github")).isFalse();
    }
}
