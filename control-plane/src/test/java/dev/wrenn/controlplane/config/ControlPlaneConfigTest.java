package dev.wrenn.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void defaultsAreTheSingleNodeMode() {
        var c = ControlPlaneConfig.from(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.embeddedDatabase()).isTrue();
        assertThat(c.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".wrenn"));
        assertThat(c.github().enabled()).isFalse();
        c.validate();
    }

    @Test
    void lifecycleSettingsHaveDefaultsAndAreChecked() {
        var d = ControlPlaneConfig.from(Map.of()).sandboxes().lifecycle();
        assertThat(d.metricsIntervalSec()).isEqualTo(5);
        assertThat(d.metricsRetentionSec()).isEqualTo(3600);
        assertThat(d.e2bTimeoutSec()).isEqualTo(300);
        assertThat(d.sandboxDomain()).isEmpty();
        var set = ControlPlaneConfig.from(Map.of(
                "WRENN_METRICS_INTERVAL_SEC", "2",
                "WRENN_METRICS_RETENTION_SEC", "60",
                "WRENN_E2B_DEFAULT_TIMEOUT_SEC", "900",
                "WRENN_SANDBOX_DOMAIN", "sandboxes.example.com:8443"));
        set.validate();
        assertThat(set.sandboxes().lifecycle())
                .isEqualTo(new ControlPlaneConfig.Lifecycle(
                        2, 60, java.util.Optional.of("sandboxes.example.com:8443"), 900));
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("WRENN_METRICS_INTERVAL_SEC", "0")))
                .hasMessageContaining("WRENN_METRICS_INTERVAL_SEC");
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("WRENN_SANDBOX_DOMAIN", "https://x.example.com"))
                        .validate())
                .hasMessageContaining("WRENN_SANDBOX_DOMAIN");
    }

    @Test
    void externalDatabaseNeedsAJwtSecret() {
        var c = ControlPlaneConfig.from(Map.of("WRENN_DATABASE_URL", "postgres://u:p@db/wrenn"));
        assertThatThrownBy(c::validate).isInstanceOf(ConfigException.class).hasMessageContaining("WRENN_JWT_SECRET");
        ControlPlaneConfig.from(Map.of("WRENN_DATABASE_URL", "postgres://u:p@db/wrenn", "WRENN_JWT_SECRET", SECRET))
                .validate();
    }

    @Test
    void shortJwtSecretIsRefused() {
        var c = ControlPlaneConfig.from(Map.of("WRENN_JWT_SECRET", "short"));
        assertThatThrownBy(c::validate).hasMessageContaining("32 bytes");
    }

    @Test
    void oauthNeedsAPublicUrlAndBothCredentials() {
        var noUrl = ControlPlaneConfig.from(Map.of("GITHUB_CLIENT_ID", "id", "GITHUB_CLIENT_SECRET", "s"));
        assertThatThrownBy(noUrl::validate).hasMessageContaining("CP_PUBLIC_URL");
        var half = ControlPlaneConfig.from(Map.of("GITHUB_CLIENT_ID", "id", "CP_PUBLIC_URL", "https://w.example"));
        assertThatThrownBy(half::validate).hasMessageContaining("GITHUB_CLIENT_SECRET");
        var ok = ControlPlaneConfig.from(
                Map.of("GITHUB_CLIENT_ID", "id", "GITHUB_CLIENT_SECRET", "s", "CP_PUBLIC_URL", "https://w.example/"));
        ok.validate();
        assertThat(ok.oauthRedirectUrl()).contains(java.net.URI.create("https://w.example"));
    }

    @Test
    void invalidValuesNameTheVariable() {
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("WRENN_PORT", "eighty")))
                .hasMessageContaining("WRENN_PORT");
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("WRENN_MAX_BODY_BYTES", "-1")))
                .hasMessageContaining("WRENN_MAX_BODY_BYTES");
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("CP_PUBLIC_URL", "not a url")))
                .hasMessageContaining("CP_PUBLIC_URL");
    }

    @Test
    void hostAgentDeadlinesComeFromTheEnvironment() {
        assertThat(ControlPlaneConfig.from(Map.of()).sandboxes().timeouts()).isEqualTo(HostAgentTimeouts.DEFAULTS);
        var t = ControlPlaneConfig.from(Map.of(
                        "WRENN_CREATE_TIMEOUT_SEC", "900",
                        "WRENN_PAUSE_TIMEOUT_SEC", "200",
                        "WRENN_TEMPLATE_SAVE_TIMEOUT_SEC", "400",
                        "WRENN_HOST_CALL_TIMEOUT_SEC", "20",
                        "WRENN_EXEC_GRACE_SEC", "5",
                        "WRENN_FILE_WRITE_TIMEOUT_SEC", "60"))
                .sandboxes()
                .timeouts();
        assertThat(t)
                .isEqualTo(new HostAgentTimeouts(
                        java.time.Duration.ofSeconds(900),
                        java.time.Duration.ofSeconds(200),
                        java.time.Duration.ofSeconds(400),
                        java.time.Duration.ofSeconds(20),
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(60)));
        assertThatThrownBy(() -> ControlPlaneConfig.from(Map.of("WRENN_PAUSE_TIMEOUT_SEC", "0")))
                .hasMessageContaining("WRENN_PAUSE_TIMEOUT_SEC");
    }
}
