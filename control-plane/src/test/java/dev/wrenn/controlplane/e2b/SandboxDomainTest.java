package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxDomainTest {
    @Test
    void theConfiguredDomainWinsThenThePublicUrlThenLocalhostAndTheListeningPort() {
        var configured = new SandboxDomain(
                Optional.of("sbx.example.com"), Optional.of(URI.create("https://api.example.com")), 8080);
        assertThat(configured.value()).isEqualTo("sbx.example.com");

        assertThat(new SandboxDomain(Optional.empty(), Optional.of(URI.create("https://wrenn.example.com")), 8080)
                        .value())
                .isEqualTo("wrenn.example.com");
        assertThat(new SandboxDomain(Optional.empty(), Optional.of(URI.create("http://10.0.0.5:9000")), 8080).value())
                .isEqualTo("10.0.0.5:9000");

        var local = new SandboxDomain(Optional.empty(), Optional.empty(), 0);
        local.listening(41234);
        assertThat(local.value()).isEqualTo("localhost:41234");
    }
}
