package dev.wrenn.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WrennTest {
    @Test
    void theEnvironmentGivesTheKeyAndTheUrlWithTheDefaultServer() {
        try (var w = Wrenn.fromEnvironment(Map.of("WRENN_API_KEY", "wrn_abc"))) {
            assertThat(w.baseUrl()).hasToString("http://127.0.0.1:8080");
        }
        try (var w = Wrenn.fromEnvironment(Map.of("WRENN_API_KEY", "wrn_abc", "WRENN_URL", " https://w.example/ "))) {
            assertThat(w.baseUrl()).hasToString("https://w.example/");
        }
        assertThatThrownBy(() -> Wrenn.fromEnvironment(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("WRENN_API_KEY");
    }

    @Test
    void aClientNeedsAKeyAndAnHttpUrl() {
        assertThatThrownBy(() -> Wrenn.builder().build()).hasMessageContaining("API key");
        assertThatThrownBy(() -> Wrenn.builder().apiKey("k").baseUrl("ftp://x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        Wrenn.builder().apiKey("k").baseUrl("http:/nohost").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aServerThatIsNotThereIsAConnectionError() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (var w =
                Wrenn.builder().apiKey("k").baseUrl("http://127.0.0.1:" + port).build()) {
            assertThatThrownBy(() -> w.sandboxes().list()).isInstanceOfSatisfying(ConnectionException.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.code()).isEqualTo("connection_failed");
            });
        }
    }

    @Test
    void closingAClientEndsItsThreads() {
        long before = httpClientThreads();
        var w = Wrenn.builder().apiKey("k").build();
        w.close();
        assertThat(httpClientThreads()).isEqualTo(before);
    }

    static long httpClientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-"))
                .count();
    }
}
