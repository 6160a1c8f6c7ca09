package dev.wrenn.controlplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GuestAddressTest {
    @Test
    void headersNameSandboxAndPort() {
        assertThat(GuestAddress.of("sb-abc123", "49983", "127.0.0.1:8080", "localhost:8080"))
                .contains(new GuestAddress("sb-abc123", 49983));
    }

    @Test
    void headersWinOverTheHostName() {
        assertThat(GuestAddress.of("sb-a", "3000", "8000-sb-b.localhost:8080", "localhost:8080"))
                .contains(new GuestAddress("sb-a", 3000));
    }

    @Test
    void hostNameNamesPortAndSandboxUnderTheDomain() {
        assertThat(GuestAddress.of(null, null, "3000-sb-jgmre5yz.localhost:8080", "localhost:8080"))
                .contains(new GuestAddress("sb-jgmre5yz", 3000));
        assertThat(GuestAddress.of(null, null, "8000-sb-x.Sandboxes.Example.com", "sandboxes.example.com"))
                .contains(new GuestAddress("sb-x", 8000));
        // A domain without a port matches host names that carry one (a TLS front on 443, a dev port).
        assertThat(GuestAddress.of(null, null, "8000-sb-x.sandboxes.example.com:443", "sandboxes.example.com"))
                .contains(new GuestAddress("sb-x", 8000));
    }

    @Test
    void otherRequestsAreForTheApi() {
        assertThat(GuestAddress.of(null, null, "localhost:8080", "localhost:8080"))
                .isEmpty();
        assertThat(GuestAddress.of(null, null, "api.localhost:8080", "localhost:8080"))
                .isEmpty();
        assertThat(GuestAddress.of(null, null, "3000-sb-x.other.com", "localhost:8080"))
                .isEmpty();
        assertThat(GuestAddress.of(null, null, "3000-sb-x.a.localhost:8080", "localhost:8080"))
                .isEmpty();
        assertThat(GuestAddress.of(null, null, "3000-sb-x.localhost:8080", null))
                .isEmpty();
        assertThat(GuestAddress.of(null, null, null, "localhost:8080")).isEmpty();
    }

    @Test
    void malformedGuestAddressesAreRefused() {
        assertThatThrownBy(() -> GuestAddress.of("sb-a", null, null, null)).hasMessageContaining("E2b-Sandbox-Port");
        assertThatThrownBy(() -> GuestAddress.of("sb-a", "0", null, null)).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> GuestAddress.of("sb-a", "http", null, null)).hasMessageContaining("malformed");
        assertThatThrownBy(() -> GuestAddress.of("sb/../a", "80", null, null)).hasMessageContaining("malformed");
        assertThatThrownBy(() -> GuestAddress.of(null, null, "99999-sb-x.localhost:8080", "localhost:8080"))
                .hasMessageContaining("1..65535");
    }
}
