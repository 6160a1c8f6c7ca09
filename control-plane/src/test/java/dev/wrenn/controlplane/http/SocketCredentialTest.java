package dev.wrenn.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketCredentialTest {
    static SocketCredential.Offer offer(String... headerValues) {
        return SocketCredential.Offer.of(Arrays.asList(headerValues));
    }

    @Test
    void aBearerTokenBesideWrennIsTheCredential() {
        var o = offer("wrenn, wrenn.bearer.eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln");
        assertThat(o.mentionsCredential()).isTrue();
        assertThat(o.offersWrenn()).isTrue();
        assertThat(o.credential()).contains(new SocketCredential.Bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"));
    }

    @Test
    void anApiKeyInEitherOrderAndAcrossHeaderLines() {
        assertThat(offer("wrenn.key.wrn_0123", "wrenn").credential()).contains(new SocketCredential.ApiKey("wrn_0123"));
        assertThat(offer(" wrenn.key.e2b_ab ,  wrenn ").credential()).contains(new SocketCredential.ApiKey("e2b_ab"));
    }

    @Test
    void noCredentialLeavesTheOfferAlone() {
        var o = offer("graphql-ws, chat");
        assertThat(o.mentionsCredential()).isFalse();
        assertThat(o.credential()).isEmpty();
        assertThat(SocketCredential.Offer.of(List.of()).credential()).isEmpty();
        assertThat(offer("wrenn").credential()).isEmpty();
        assertThat(offer("wrenn").offersWrenn()).isTrue();
    }

    @Test
    void malformedOffersAre400sThatNeverQuoteTheToken() {
        String secret = "wrenn.bearer.super-secret-token";
        for (var bad : List.of(
                offer(secret),
                offer("wrenn", secret, "wrenn.key.wrn_1"),
                offer("wrenn", "wrenn.password.x"),
                offer("wrenn", "wrenn.bearer."),
                offer("wrenn", "wrenn.key."))) {
            assertThat(bad.mentionsCredential()).isTrue();
            assertThatThrownBy(bad::credential).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
                assertThat(e.getMessage()).doesNotContain("super-secret-token");
            });
        }
        assertThatThrownBy(() -> offer(secret).credential()).hasMessageContaining("must offer 'wrenn'");
    }
}
